"""book_slot: the public booking transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from psycopg.types.json import Jsonb

from reference_app.bookings.schemas import BookRequest
from reference_app.capacity import capacity_guard
from reference_app.db import Connection
from reference_app.emails.outbox import booking_kinds, enqueue, snapshot
from reference_app.failpoints import failpoint_active
from reference_app.http.errors import ApiError
from reference_app.http.wire_types import checked_instant
from reference_app.jobs.schemas import job_out
from reference_app.scheduling.rules import RULE_MESSAGES, booking_violation
from reference_app.services.service import BookableService
from reference_app.sql import query


@dataclass(frozen=True)
class BookingResult:
    status_code: int
    body: Any
    replayed: bool = False


def request_fingerprint(service_id: UUID, start: datetime, body: BookRequest) -> str:
    """What makes two requests "the same" for an idempotency key."""
    canonical = {
        "serviceId": str(service_id),
        "startTime": start.isoformat(),
        "contact": {
            "name": body.contact.name,
            "email": body.contact.email.lower(),
            "phone": body.contact.phone,
        },
        "notes": body.notes,
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


async def book_slot(
    conn: Connection,
    service: BookableService,
    body: BookRequest,
    *,
    now: datetime,
    idempotency_key: str | None,
) -> BookingResult:
    start = checked_instant(body.start_time, "startTime")
    end = start + service.policy.duration
    fingerprint = request_fingerprint(service.id, start, body)
    # Pipeline mode: statements whose results are not read go out together, so the booking
    # takes three round trips (BEGIN + lock + overlap count; the insert; the emails, the
    # idempotency row and COMMIT) instead of one per statement, and the slot lock is held
    # for less time.
    async with conn.pipeline(), conn.transaction():
        if idempotency_key is not None:
            replay = await _replay(conn, service.tenant_id, idempotency_key, fingerprint)
            if replay is not None:
                return replay
        violation = booking_violation(start, now, service.policy)
        if violation is not None:
            raise ApiError(422, violation, RULE_MESSAGES[violation])
        conflicts = await capacity_guard(
            conn,
            tenant_id=service.tenant_id,
            start=start,
            end=end,
            capacity=service.settings.max_bookings_per_slot,
            service_id=service.id,
        )
        if conflicts:
            raise ApiError(409, "slot_unavailable", "This time slot is no longer available.")
        cur = await conn.execute(
            query("insert_booking"),
            {
                "tenant_id": service.tenant_id,
                "service_id": service.id,
                "contact_name": body.contact.name.strip(),
                "contact_email": body.contact.email,
                "contact_phone": body.contact.phone,
                "title": f"{service.name}: {body.contact.name.strip()}"[:200],
                "start_time": start,
                "end_time": end,
                "status": ("pending-confirmation" if service.settings.require_confirmation else "scheduled"),
                "notes": body.notes,
            },
        )
        row = await cur.fetchone()
        assert row is not None
        emails = snapshot(
            {
                **row,
                "job_id": row["id"],
                "tenant_name": service.tenant_name,
                "time_zone": service.tz.key,
                "notification_email": service.notification_email,
                "service_name": service.name,
            }
        )
        # The emails commit with the job: a booking nobody is told about must not exist.
        # The race_emails_after_commit variant writes them in a second transaction, after.
        emails_after_commit = failpoint_active("race_emails_after_commit")
        if not emails_after_commit:
            queued = not failpoint_active("e2e_emails_not_queued")
            kinds = booking_kinds(row["status"]) if queued else []
            await enqueue(conn, service.tenant_id, row["id"], emails, kinds)
        response = msgspec.to_builtins({"job": job_out(row)})
        if idempotency_key is not None:
            await conn.execute(
                query("insert_idempotent_response"),
                {
                    "tenant_id": service.tenant_id,
                    "key": idempotency_key,
                    "request_hash": fingerprint,
                    "job_id": row["id"],
                    "status_code": 201,
                    "response": Jsonb(response),
                },
            )
    if emails_after_commit:
        async with conn.transaction():
            await enqueue(conn, service.tenant_id, row["id"], emails, booking_kinds(row["status"]))
    return BookingResult(201, response)


async def _replay(conn: Connection, tenant_id: UUID, key: str, fingerprint: str) -> BookingResult | None:
    # The lock makes concurrent retries with one key wait for the first to finish.
    await conn.execute(query("lock_idempotency_key"), {"tenant_id": tenant_id, "key": key})
    cur = await conn.execute(query("idempotent_response"), {"tenant_id": tenant_id, "key": key})
    row = await cur.fetchone()
    if row is None:
        return None
    if row["request_hash"] != fingerprint:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was already used with a different request.",
        )
    return BookingResult(row["status_code"], row["response"], replayed=True)
