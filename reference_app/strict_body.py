"""JSON request bodies are checked in msgspec's strict mode: a value of the wrong JSON type is
a 422, never coerced.

Litestar converts handler arguments in msgspec's lax mode, which suits query strings and
forms (where everything is a string) but would take "30" for an integer, "true" or 1 for a
boolean and 5 for a datetime (Unix time) in a JSON body. So the decoded body is first checked
against the handler's body type strictly; Litestar's own conversion then runs as before.

Litestar reads the body before it resolves dependencies, so on routes that need a signed-in
admin the strict error waits until the principal is known: a request without a valid token is
a 401 whatever its body, as before.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request

from reference_app.errors import ApiError

_NO_BODY = object()
_HELD = "reference_app.strict_body_problem"
_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$\.?(?P<key>[^`]*)`)?$", re.DOTALL)


def _body_type(handler: Any) -> tuple[Any, bool]:
    """The handler's `data` annotation (what its body must be) or _NO_BODY, and whether the
    route needs a signed-in admin (both looked up in what Litestar keeps per handler)."""
    parameter = handler.parsed_fn_signature.parameters.get("data")
    needs_admin = "principal" in handler.resolve_dependencies()
    return (parameter.annotation if parameter is not None else _NO_BODY), needs_admin


def check_strictly(request: Request[Any, Any, Any], value: Any) -> None:
    """Raise (or, on admin routes, hold until the admin is known) the same 422 Litestar raises
    for a body that breaks the schema, judged in strict mode."""
    handler = request.scope.get("route_handler")
    target, needs_admin = _body_type(handler) if handler is not None else (_NO_BODY, False)
    if target is _NO_BODY:
        return
    try:
        msgspec.convert(value, type=target, strict=True)
    except msgspec.ValidationError as exc:
        found = _AT.match(str(exc))
        message, key = (found["message"], found["key"] or "") if found else (str(exc), "")
        problem = (f"Validation failed for {request.method} {request.url.path}", message, key)
        if not needs_admin:
            raise _error(*problem) from None
        # Only the words are kept: an exception held in the scope would keep the request's
        # dependency frames (and its pooled connection) alive after the request.
        request.scope[_HELD] = problem  # type: ignore[literal-required]


def _error(detail: str, message: str, key: str) -> ApiError:
    return ApiError(422, "validation_error", detail, [{"message": message, "key": key, "source": "body"}])


def raise_held_body_error(request: Request[Any, Any, Any]) -> None:
    """Once the admin is known: the strict body error check_strictly held, if any."""
    problem: tuple[str, str, str] | None = request.scope.get(_HELD)  # type: ignore[assignment]
    if problem is not None:
        raise _error(*problem)
