"""capacity_guard: the one place that decides whether an interval has room, race-free.

Every path that makes a job occupy time (public booking, admin create, reschedule, confirm)
calls it inside the transaction that writes the job. It first takes transaction-scoped
advisory locks on the tenant's hour buckets that cover the interval, so concurrent writers of
overlapping intervals (in any process) queue up, then counts the overlapping active jobs.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from reference_app.db import Connection
from reference_app.failpoints import failpoint_active
from reference_app.sql import query

LOCK_BUCKET_SECONDS = 3600
SLOW_COUNT_SECONDS = 0.5
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


# The statuses that occupy a slot, as the capacity statements spell them (queries.sql).
OCCUPYING_SQL = "'scheduled', 'in-progress', 'pending-confirmation'"
_WITHOUT_STARTED_SQL = "'scheduled', 'pending-confirmation'"


def counting_query(name: str) -> str:
    """A statement that counts the occupying statuses; under the capacity_ignores_started_jobs
    variant, the same statement with `in-progress` left out of its list: the real bug."""
    sql = query(name)
    if not failpoint_active("capacity_ignores_started_jobs"):
        return sql
    broken = sql.replace(OCCUPYING_SQL, _WITHOUT_STARTED_SQL)
    if broken == sql:
        raise RuntimeError(f"query {name!r} does not list the occupying statuses as {OCCUPYING_SQL}")
    return broken


def lock_buckets(start: datetime, end: datetime) -> tuple[int, int]:
    """First and last hour bucket touched by the half-open interval [start, end).

    Integer timedelta arithmetic, not float timestamps, so microseconds are never rounded away.
    """
    first = (start - _EPOCH) // _BUCKET
    last = -((_EPOCH - end) // _BUCKET) - 1  # ceil((end - epoch) / bucket) - 1
    return first, max(first, last)


def lock_keys(
    tenant_id: UUID, start: datetime, end: datetime, service_id: UUID | None
) -> tuple[UUID, int, int]:
    """What a writer of [start, end) locks: its calendar (the tenant) and the first and last hour
    bucket. The race_lock_* variants (faults.py) lock the wrong calendar or too few buckets."""
    first, last = lock_buckets(start, end)
    if failpoint_active("race_lock_first_hour_only"):
        last = first
    per_service = failpoint_active("race_lock_per_service") and service_id is not None
    return (service_id if per_service and service_id is not None else tenant_id), first, last


async def lock_interval(
    conn: Connection, tenant_id: UUID, start: datetime, end: datetime, service_id: UUID | None = None
) -> None:
    scope, first, last = lock_keys(tenant_id, start, end, service_id)
    await conn.execute(
        query("lock_slot_buckets"),
        {"tenant_id": scope, "first_bucket": first, "last_bucket": last},
    )


async def capacity_guard(
    conn: Connection,
    *,
    tenant_id: UUID,
    start: datetime,
    end: datetime,
    capacity: int,
    exclude_job_id: UUID | None = None,
    service_id: UUID | None = None,
    staff: bool = False,
) -> list[Conflict]:
    """Lock the interval and return the overlapping active jobs when there is no room left; an
    empty list means the caller may write its job. `staff` for a staff write (create,
    reschedule, confirm): the race_admin_writes_unlocked variant takes no lock for those, so
    staff writes race public bookings."""
    locked = not (
        failpoint_active("race_guard_off") or (staff and failpoint_active("race_admin_writes_unlocked"))
    )
    if locked:
        await lock_interval(conn, tenant_id, start, end, service_id)
    cur = await conn.execute(
        counting_query("overlapping_active_jobs"),
        {
            "tenant_id": tenant_id,
            "start_time": start,
            "end_time": end,
            "exclude_job_id": exclude_job_id,
        },
    )
    overlapping = [Conflict(**row) for row in await cur.fetchall()]
    # The race_slow_capacity_count variant: a slow database between the count and the write,
    # so a race the locks do not serialise overbooks every time, not by luck of timing.
    if failpoint_active("race_slow_capacity_count"):
        await asyncio.sleep(SLOW_COUNT_SECONDS)
    return overlapping if len(overlapping) >= capacity else []
