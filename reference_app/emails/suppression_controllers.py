"""GET /admin/suppressions and DELETE /admin/suppressions/{email}: the tenant's suppressed
addresses (hard bounces and complaints reported by SES), and lifting one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, delete, get
from litestar.di import Provide
from litestar.params import Parameter

from reference_app.auth.deps import provide_principal
from reference_app.deps import Admin, Conn
from reference_app.http.errors import not_found
from reference_app.http.openapi_responses import error_responses
from reference_app.sql import query


class Suppression(msgspec.Struct, rename="camel"):
    email: str
    reason: Literal["bounce", "complaint"]
    created_at: datetime
    detail: str | None
    feedback_id: str | None


class SuppressionList(msgspec.Struct):
    suppressions: list[Suppression]


class SuppressionController(Controller):
    path = "/admin/suppressions"
    tags = ["admin"]
    dependencies = {"principal": Provide(provide_principal)}
    security = [{"bearerAuth": []}]

    @get("/", responses=error_responses(401))
    async def list_suppressions(self, conn: Conn, principal: Admin) -> SuppressionList:
        cur = await conn.execute(query("suppressions_of_tenant"), {"tenant_id": principal.tenant_id})
        return SuppressionList(
            suppressions=[
                Suppression(
                    email=row["email"],
                    reason=row["reason"],
                    created_at=row["created_at"].astimezone(UTC),
                    detail=row["detail"],
                    feedback_id=row["feedback_id"],
                )
                for row in await cur.fetchall()
            ]
        )

    @delete("/{email:str}", status_code=204, responses=error_responses(401, 404))
    async def lift_suppression(
        self, conn: Conn, principal: Admin, email: Annotated[str, Parameter(min_length=3, max_length=320)]
    ) -> None:
        """Lift one suppression: mail to the address is sent again (new emails only)."""
        cur = await conn.execute(
            query("delete_suppression"), {"tenant_id": principal.tenant_id, "email": email}
        )
        if cur.rowcount == 0:
            raise not_found("suppression")
