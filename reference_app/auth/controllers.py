"""HTTP routes of admin sign-in."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import JSONBody

from reference_app.auth import service as auth
from reference_app.auth.deps import bearer_token, provide_principal
from reference_app.auth.schemas import AdminOut, LoginRequest, LoginResponse
from reference_app.deps import Admin, AppSettings, Conn
from reference_app.http.abuse_limits import client_address, throttled_login
from reference_app.http.openapi_responses import error_responses


def admin_out(principal: Admin) -> AdminOut:
    return AdminOut(
        id=principal.user_id,
        email=principal.email,
        name=principal.name,
        tenant_id=principal.tenant_id,
        time_zone=principal.tz.key,
    )


class AuthController(Controller):
    path = "/auth"
    tags = ["auth"]

    @post("/login", status_code=200, responses=error_responses(401, 413, 429))
    async def login(
        self, request: Request, conn: Conn, settings: AppSettings, data: JSONBody[LoginRequest]
    ) -> LoginResponse:
        issued = await throttled_login(conn, settings, data.email, data.password, client_address(request))
        return LoginResponse(
            token=issued.token,
            token_type="Bearer",
            expires_at=issued.expires_at,
            user=admin_out(issued.principal),
        )

    @get(
        "/me",
        dependencies={"principal": Provide(provide_principal)},
        security=[{"bearerAuth": []}],
        responses=error_responses(401),
    )
    async def me(self, principal: Admin) -> AdminOut:
        return admin_out(principal)

    @post(
        "/logout",
        status_code=204,
        dependencies={"principal": Provide(provide_principal)},
        security=[{"bearerAuth": []}],
        responses=error_responses(401),
    )
    async def logout(self, conn: Conn, request: Request, principal: Admin) -> None:
        token = bearer_token(request)
        if token is not None:
            await auth.logout(conn, token)
