"""What a path supports, said in `Allow` (RFC 9110): on every 405 and on a plain OPTIONS.

Litestar's router raises its 405 with the right `Allow` (the error handler passes it on), but
the OPTIONS answer it generates per path closes over the methods of the first route built for
that path: when a controller declares GET and POST on one path as two handlers, OPTIONS named
only one of them. So the answer's `Allow` is set here from the finished route, the same list
the 405 gives. A CORS preflight (`Origin` with `Access-Control-Request-Method`) never gets
here: Litestar's CORS middleware answers it before routing.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope


class AllowHeaderOnOptions:
    """A before_send hook: a 204 answer to OPTIONS lists every method of its route."""

    def __init__(self) -> None:
        self._allow_by_handler: dict[int, str] | None = None

    def _allow_of(self, app: Litestar, handler: object) -> str | None:
        if self._allow_by_handler is None:
            self._allow_by_handler = {
                id(route_handler): ", ".join(sorted(route.methods))
                for route in app.routes
                if isinstance(route, HTTPRoute)
                for route_handler in route.route_handlers
            }
        return self._allow_by_handler.get(id(handler))

    async def __call__(self, message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or scope.get("method") != "OPTIONS":
            return
        if message["status"] != 204:
            return
        allow = self._allow_of(scope["litestar_app"], scope.get("route_handler"))
        if allow is not None:
            MutableScopeHeaders.from_message(message)["allow"] = allow
