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
from reference_app.settings import Settings
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


@dataclass(frozen=True)
class GuardMode:
    """How the guard locks. Anything but the default exists only for the harness's teeth tests
    (BOOKING_CONCURRENCY_GUARD=off and the race_* variants of reference_app/faults.py)."""

    locked: bool = True
    per_service: bool = False
    first_hour_only: bool = False
    # Seconds to wait between the count and the caller's write: a slow database, so a race
    # that is not serialised by the locks overbooks every time, not by luck of timing.
    pause_after_count: float = 0.0
    # The capacity_ignores_started_jobs variant: in-progress jobs drop out of the count.
    ignores_started: bool = False


# The statuses that occupy a slot, as the capacity statements spell them (queries.sql).
OCCUPYING_SQL = "'scheduled', 'in-progress', 'pending-confirmation'"
_WITHOUT_STARTED_SQL = "'scheduled', 'pending-confirmation'"


def counting_query(name: str, *, ignores_started: bool = False) -> str:
    """A statement that counts the occupying statuses; for the capacity_ignores_started_jobs
    variant, the same statement with `in-progress` left out of its list: the real bug."""
    sql = query(name)
    if not ignores_started:
        return sql
    broken = sql.replace(OCCUPYING_SQL, _WITHOUT_STARTED_SQL)
    if broken == sql:
        raise RuntimeError(f"query {name!r} does not list the occupying statuses as {OCCUPYING_SQL}")
    return broken


def ignores_started_jobs(settings: Settings) -> bool:
    return settings.has_fault("capacity_ignores_started_jobs")


def guard_mode(settings: Settings, *, admin: bool = False) -> GuardMode:
    """The guard a writer runs under; `admin` for the staff paths (create, reschedule, confirm)."""
    unlocked_here = admin and settings.has_fault("race_admin_writes_unlocked")
    return GuardMode(
        locked=settings.concurrency_guard and not unlocked_here,
        per_service=settings.has_fault("race_lock_per_service"),
        first_hour_only=settings.has_fault("race_lock_first_hour_only"),
        pause_after_count=SLOW_COUNT_SECONDS if settings.has_fault("race_slow_capacity_count") else 0.0,
        ignores_started=ignores_started_jobs(settings),
    )


def lock_buckets(start: datetime, end: datetime) -> tuple[int, int]:
    """First and last hour bucket touched by the half-open interval [start, end).

    Integer timedelta arithmetic, not float timestamps, so microseconds are never rounded away.
    """
    first = (start - _EPOCH) // _BUCKET
    last = -((_EPOCH - end) // _BUCKET) - 1  # ceil((end - epoch) / bucket) - 1
    return first, max(first, last)


async def lock_interval(
    conn: Connection,
    tenant_id: UUID,
    start: datetime,
    end: datetime,
    mode: GuardMode = GuardMode(),
    service_id: UUID | None = None,
) -> None:
    first, last = lock_buckets(start, end)
    if mode.first_hour_only:
        last = first
    scope = service_id if mode.per_service and service_id is not None else tenant_id
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
    guarded: bool | GuardMode,
    exclude_job_id: UUID | None = None,
    service_id: UUID | None = None,
) -> list[Conflict]:
    """Lock the interval (unless the guard is switched off) and return the overlapping active
    jobs when there is no room left; an empty list means the caller may write its job."""
    mode = guarded if isinstance(guarded, GuardMode) else GuardMode(locked=guarded)
    if mode.locked:
        await lock_interval(conn, tenant_id, start, end, mode, service_id)
    cur = await conn.execute(
        counting_query("overlapping_active_jobs", ignores_started=mode.ignores_started),
        {
            "tenant_id": tenant_id,
            "start_time": start,
            "end_time": end,
            "exclude_job_id": exclude_job_id,
        },
    )
    overlapping = [Conflict(**row) for row in await cur.fetchall()]
    if mode.pause_after_count:
        await asyncio.sleep(mode.pause_after_count)
    return overlapping if len(overlapping) >= capacity else []
