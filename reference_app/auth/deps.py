"""The authenticated admin of a request, resolved from its bearer token."""

from __future__ import annotations

from litestar import Request
from litestar.di import NamedDependency

from reference_app.auth.service import Principal, principal_for_token
from reference_app.db import Connection
from reference_app.http.errors import ApiError
from reference_app.http.request_telemetry import note_tenant
from reference_app.http.strict_body import raise_held_body_error
from reference_app.settings import Settings


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def provide_principal(
    request: Request, conn: NamedDependency[Connection], settings: NamedDependency[Settings]
) -> Principal:
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "unauthorized", "Sign in: a bearer token is required.")
    principal = await principal_for_token(conn, token, now=settings.clock.now())
    if principal is None:
        raise ApiError(401, "unauthorized", "The token is invalid or has expired.")
    raise_held_body_error(request)
    note_tenant(request.scope, principal.tenant_id)
    return principal
