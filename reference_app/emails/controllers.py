"""GET /admin/outbox: the tenant's queued, sent and dead emails, so stuck mail is visible."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.di import Provide
from litestar.params import Parameter, QueryParameter

from reference_app.auth.deps import provide_principal
from reference_app.deps import Admin, Conn
from reference_app.http.openapi_responses import error_responses
from reference_app.sql import query

OutboxState = Literal["pending", "sent", "dead", "suppressed"]


class OutboxEmail(msgspec.Struct, rename="camel"):
    id: int
    job_id: UUID | None
    kind: str
    recipient: str
    state: OutboxState
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    ses_message_id: str | None
    created_at: datetime
    sent_at: datetime | None


class OutboxList(msgspec.Struct):
    emails: list[OutboxEmail]


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


class OutboxController(Controller):
    path = "/admin/outbox"
    tags = ["admin"]
    dependencies = {"principal": Provide(provide_principal)}
    security = [{"bearerAuth": []}]

    @get("/", responses=error_responses(401))
    async def list_outbox(
        self,
        conn: Conn,
        principal: Admin,
        state_filter: Annotated[OutboxState | None, QueryParameter(name="state", required=False)] = None,
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 200,
    ) -> OutboxList:
        cur = await conn.execute(
            query("outbox_rows"), {"tenant_id": principal.tenant_id, "state": state_filter, "limit": limit}
        )
        rows = await cur.fetchall()
        return OutboxList(
            emails=[
                OutboxEmail(
                    id=row["id"],
                    job_id=row["job_id"],
                    kind=row["kind"],
                    recipient=row["recipient"],
                    state=row["state"],
                    attempts=row["attempts"],
                    next_attempt_at=row["next_attempt_at"].astimezone(UTC),
                    last_error=row["last_error"],
                    ses_message_id=row["ses_message_id"],
                    created_at=row["created_at"].astimezone(UTC),
                    sent_at=_utc(row["sent_at"]),
                )
                for row in rows
            ]
        )
