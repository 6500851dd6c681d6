"""Queue the emails of an event inside the event's own transaction.

The payload is a snapshot of what the email must say (names, times, reason), taken when the
event happens; rendering and sending happen later, in the sender.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from psycopg.types.json import Jsonb

from reference_app.db import Connection
from reference_app.emails import kinds
from reference_app.emails.kinds import EmailKind
from reference_app.sql import query


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def snapshot(context: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The payload of an event's emails, from an email_context row (or the same keys)."""
    return {
        "jobId": str(context["job_id"]),
        "title": context["title"],
        "status": context["status"],
        "startTime": _iso(context["start_time"]),
        "endTime": _iso(context["end_time"]),
        "notes": context.get("notes"),
        "businessName": context["tenant_name"],
        "timeZone": context["time_zone"],
        "contractorEmail": context["notification_email"],
        "serviceName": context.get("service_name") or context["title"],
        "contactName": context.get("contact_name"),
        "contactEmail": context.get("contact_email"),
        "contactPhone": context.get("contact_phone"),
        # Calendar clients apply the update with the highest sequence.
        "icsSequence": int(time.time()),
        **{key: _iso(value) if isinstance(value, datetime) else value for key, value in extra.items()},
    }


async def enqueue(
    conn: Connection, tenant_id: UUID, job_id: UUID, payload: dict[str, Any], wanted: list[EmailKind]
) -> int:
    emails = []
    for kind in wanted:
        recipient = payload["contactEmail"] if kind.audience == "client" else payload["contractorEmail"]
        if recipient:
            emails.append({"kind": kind.name, "recipient": recipient, "payload": payload})
    if emails:
        await conn.execute(
            query("enqueue_emails"), {"tenant_id": tenant_id, "job_id": job_id, "emails": Jsonb(emails)}
        )
    return len(emails)


async def email_context(conn: Connection, job_id: UUID) -> dict[str, Any]:
    cur = await conn.execute(query("email_context"), {"job_id": job_id})
    row = await cur.fetchone()
    assert row is not None, "the job was just read in this transaction"
    return dict(row)


def booking_kinds(status: str) -> list[EmailKind]:
    client = (
        kinds.CLIENT_PENDING_NOTIFICATION
        if status == "pending-confirmation"
        else kinds.CLIENT_INSTANT_CONFIRMATION
    )
    return [client, kinds.CONTRACTOR_NEW_BOOKING]


TRANSITION_KINDS: dict[str, list[EmailKind]] = {
    "confirm": [kinds.CLIENT_BOOKING_CONFIRMED],
    "decline": [kinds.CLIENT_BOOKING_DECLINED],
    "cancel": [kinds.CLIENT_CANCELLATION, kinds.CONTRACTOR_CANCELLATION],
}


async def enqueue_transition(
    conn: Connection, tenant_id: UUID, job_id: UUID, action: str, reason: str | None
) -> int:
    wanted = TRANSITION_KINDS.get(action, [])
    if not wanted:
        return 0
    payload = snapshot(await email_context(conn, job_id), reason=reason)
    return await enqueue(conn, tenant_id, job_id, payload, wanted)


async def enqueue_reschedule(
    conn: Connection, tenant_id: UUID, job_id: UUID, previous_start: datetime, previous_end: datetime
) -> int:
    context = await email_context(conn, job_id)
    kind = (
        kinds.CLIENT_RESCHEDULE_PENDING
        if context["status"] == "pending-confirmation"
        else kinds.CLIENT_RESCHEDULE
    )
    payload = snapshot(context, previousStartTime=previous_start, previousEndTime=previous_end)
    return await enqueue(conn, tenant_id, job_id, payload, [kind])
