"""The tenant's suppression list: addresses SES reported as hard-bounced or complained about.
The sender never mails them (the outbox row ends 'suppressed'); an admin can lift one."""

from __future__ import annotations

from uuid import UUID

from reference_app.db import Connection
from reference_app.emails.feedback_notice import Feedback
from reference_app.sql import query


async def apply_feedback(conn: Connection, feedback: Feedback) -> UUID | None:
    """Suppress the recipients for the tenant whose email it was; None when the notification
    names no email of ours (then nothing is written)."""
    cur = await conn.execute(
        query("feedback_tenant"), {"message_id": feedback.message_id, "outbox_id": feedback.outbox_id}
    )
    row = await cur.fetchone()
    if row is None:
        return None
    for address in feedback.recipients:
        await conn.execute(
            query("insert_suppression"),
            {
                "tenant_id": row["tenant_id"],
                "email": address,
                "reason": feedback.reason,
                "detail": feedback.detail,
                "feedback_id": feedback.feedback_id,
            },
        )
    tenant_id: UUID = row["tenant_id"]
    return tenant_id


async def suppression_reason(conn: Connection, tenant_id: UUID, address: str) -> str | None:
    cur = await conn.execute(query("is_suppressed"), {"tenant_id": tenant_id, "email": address})
    row = await cur.fetchone()
    return str(row["reason"]) if row else None


async def mark_suppressed(conn: Connection, outbox_id: int, reason: str) -> None:
    await conn.execute(query("mark_email_suppressed"), {"id": outbox_id, "reason": f"suppressed: {reason}"})
