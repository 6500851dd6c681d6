"""capacity_guard: the one place that decides whether an interval has room, race-free.

Every path that makes a job occupy time (public booking, admin create, reschedule, confirm)
calls it inside the transaction that writes the job. It first takes transaction-scoped
advisory locks on the tenant's hour buckets that cover the interval, so concurrent writers of
overlapping intervals (in any process) queue up, then counts the overlapping active jobs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from reference_app.db import Connection
from reference_app.sql import query

LOCK_BUCKET_SECONDS = 3600
_BUCKET = timedelta(seconds=LOCK_BUCKET_SECONDS)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Conflict:
    id: UUID
    title: str
    start_time: datetime
    end_time: datetime
    status: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "title": self.title,
            "startTime": self.start_time.isoformat(),
            "endTime": self.end_time.isoformat(),
            "status": self.status,
        }


def lock_buckets(start: datetime, end: datetime) -> tuple[int, int]:
    """First and last hour bucket touched by the half-open interval [start, end).

    Integer timedelta arithmetic, not float timestamps, so microseconds are never rounded away.
    """
    first = (start - _EPOCH) // _BUCKET
    last = -((_EPOCH - end) // _BUCKET) - 1  # ceil((end - epoch) / bucket) - 1
    return first, max(first, last)


async def lock_interval(conn: Connection, tenant_id: UUID, start: datetime, end: datetime) -> None:
    first, last = lock_buckets(start, end)
    await conn.execute(
        query("lock_slot_buckets"),
        {"tenant_id": tenant_id, "first_bucket": first, "last_bucket": last},
    )


async def capacity_guard(
    conn: Connection,
    *,
    tenant_id: UUID,
    start: datetime,
    end: datetime,
    capacity: int,
    guarded: bool,
    exclude_job_id: UUID | None = None,
) -> list[Conflict]:
    """Lock the interval (unless the guard is switched off) and return the overlapping active
    jobs when there is no room left; an empty list means the caller may write its job."""
    if guarded:
        await lock_interval(conn, tenant_id, start, end)
    cur = await conn.execute(
        query("overlapping_active_jobs"),
        {
            "tenant_id": tenant_id,
            "start_time": start,
            "end_time": end,
            "exclude_job_id": exclude_job_id,
        },
    )
    overlapping = [Conflict(**row) for row in await cur.fetchall()]
    return overlapping if len(overlapping) >= capacity else []
