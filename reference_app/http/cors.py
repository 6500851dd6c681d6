"""CORS for the whole application, wrapped around Litestar's own handler so that every
response (errors and 404s included) follows the same rules.

Origins are compared as exact strings (scheme://host[:port], lower-cased), never as patterns:
Litestar's CORSConfig builds a regular expression from the allowed origins without escaping
their dots, so `https://app.example.com` would also admit `https://appXexample.com`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from reference_app.failpoints import failpoint_active

ALLOWED_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
ALLOWED_HEADERS = ("authorization", "content-type", "idempotency-key", "x-request-id")
EXPOSED_HEADERS = "Idempotent-Replayed, Retry-After, X-Request-ID"
PREFLIGHT_MAX_AGE_SECONDS = "600"
# Longer Origin values are not origins; they are refused without further work.
MAX_ORIGIN_LENGTH = 512


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _add_vary_origin(headers: MutableScopeHeaders) -> None:
    vary = headers.get("vary")
    if vary is None:
        headers["Vary"] = "Origin"
    elif "origin" not in vary.lower():
        headers["Vary"] = f"{vary}, Origin"


class CorsMiddleware:
    """Allowed origins get themselves back (with `Vary: Origin`); any other origin gets no
    Access-Control-Allow-Origin, and its preflight a 403. `*` only when configured so."""

    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str]) -> None:
        self.app = app
        self.origins = frozenset(origin.lower() for origin in allowed_origins)
        self.allow_all = "*" in self.origins

    def allowed(self, origin: str) -> bool:
        if failpoint_active("prod_cors_any_origin"):  # the broken variant (faults.py)
            return True
        if len(origin) > MAX_ORIGIN_LENGTH:
            return False
        return self.allow_all or origin.lower() in self.origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = _header(scope, b"origin")
        requested_method = _header(scope, b"access-control-request-method")
        if (
            origin is not None
            and cast("HTTPScope", scope)["method"] == "OPTIONS"
            and requested_method is not None
        ):
            await self.preflight(scope, send, origin, requested_method)
            return
        await self.app(scope, receive, self.wrap_send(send, origin))

    def wrap_send(self, send: Send, origin: str | None) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                if self.allow_all:
                    headers["Access-Control-Allow-Origin"] = "*"
                else:
                    # Responses differ by Origin even when the request had none: caches must know.
                    _add_vary_origin(headers)
                    if origin is not None and self.allowed(origin):
                        headers["Access-Control-Allow-Origin"] = origin
                if origin is not None and self.allowed(origin):
                    headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
            await send(message)

        return wrapped

    async def preflight(self, scope: Scope, send: Send, origin: str, requested_method: str) -> None:
        requested_headers = [
            h.strip().lower() for h in (_header(scope, b"access-control-request-headers") or "").split(",")
        ]
        refused_headers = [h for h in requested_headers if h and h not in ALLOWED_HEADERS]
        headers: list[tuple[bytes, bytes]] = [(b"vary", b"Origin"), (b"cache-control", b"no-store")]
        if not self.allowed(origin):
            await _respond(send, 403, headers, "cors_origin_not_allowed", "This origin may not call the API.")
            return
        if requested_method.upper() not in ALLOWED_METHODS or refused_headers:
            await _respond(send, 403, headers, "cors_request_not_allowed", "Method or headers not allowed.")
            return
        headers += [
            (b"access-control-allow-origin", b"*" if self.allow_all else origin.encode("latin-1")),
            (b"access-control-allow-methods", ", ".join(ALLOWED_METHODS).encode()),
            (b"access-control-allow-headers", ", ".join(ALLOWED_HEADERS).encode()),
            (b"access-control-max-age", PREFLIGHT_MAX_AGE_SECONDS.encode()),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], code: str, message: str
) -> None:
    body = f'{{"error": {{"code": "{code}", "message": "{message}"}}}}'.encode()
    all_headers = [
        *headers,
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": all_headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
