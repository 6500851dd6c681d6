"""Double-booking audit of the live data: instants where more active jobs overlap than the
capacity allows, with the job ids.

The capacity guard admits a job only while fewer than its capacity of active jobs overlap it,
so any set of jobs active together at one instant must hold no more jobs than the largest
capacity among them; more precisely, for every capacity c among them, at most c of them may
have a capacity <= c (the last of those admitted saw the others). A job's capacity is its
service's maxBookingsPerSlot, or 1 without a service (admin jobs refuse any overlap).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from reference_app.db import Connection
from reference_app.sql import query


@dataclass(frozen=True)
class ActiveJob:
    id: UUID
    tenant_id: UUID
    start: datetime
    end: datetime
    capacity: int


@dataclass(frozen=True)
class Incident:
    tenant_id: UUID
    at: datetime  # the instant the breach begins
    capacity: int
    job_ids: tuple[UUID, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "tenantId": str(self.tenant_id),
            "at": self.at.isoformat(),
            "capacity": self.capacity,
            "jobIds": [str(job_id) for job_id in self.job_ids],
        }


def _breach(together: list[ActiveJob]) -> tuple[int, list[ActiveJob]] | None:
    for cap in sorted({job.capacity for job in together}):
        within = [job for job in together if job.capacity <= cap]
        if len(within) > cap:
            return cap, within
    return None


def _incidents_of_tenant(jobs: list[ActiveJob]) -> Iterator[Incident]:
    """Sweep the tenant's calendar: the set of active jobs changes only where one starts, so
    each start (after the ends at the same instant: intervals are half-open) is checked once.
    Consecutive starts that only extend one breach report it once, with every job involved."""
    active: list[ActiveJob] = []
    open_incident: Incident | None = None
    for job in sorted(jobs, key=lambda j: (j.start, j.end, str(j.id))):
        active = [other for other in active if other.end > job.start]
        active.append(job)
        found = _breach(active)
        if found is None:
            if open_incident is not None:
                yield open_incident
                open_incident = None
            continue
        cap, within = found
        ids = tuple(sorted({j.id for j in within}, key=str))
        if open_incident is not None and set(open_incident.job_ids) & set(ids):
            merged = tuple(sorted(set(open_incident.job_ids) | set(ids), key=str))
            open_incident = Incident(job.tenant_id, open_incident.at, open_incident.capacity, merged)
        else:
            if open_incident is not None:
                yield open_incident
            open_incident = Incident(job.tenant_id, job.start, cap, ids)
    if open_incident is not None:
        yield open_incident


def find_incidents(jobs: Iterable[ActiveJob]) -> list[Incident]:
    by_tenant: dict[UUID, list[ActiveJob]] = {}
    for job in jobs:
        by_tenant.setdefault(job.tenant_id, []).append(job)
    return [incident for tenant_jobs in by_tenant.values() for incident in _incidents_of_tenant(tenant_jobs)]


def _job(row: dict[str, object]) -> ActiveJob:
    return ActiveJob(
        id=row["id"],  # type: ignore[arg-type]
        tenant_id=row["tenant_id"],  # type: ignore[arg-type]
        start=row["start_time"],  # type: ignore[arg-type]
        end=row["end_time"],  # type: ignore[arg-type]
        capacity=int(row["capacity"]),  # type: ignore[call-overload]
    )


def audit_database(database_url: str, *, ending_after: datetime | None = None) -> list[Incident]:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        rows = conn.execute(query("active_jobs_for_audit"), {"ending_after": ending_after}).fetchall()
    return find_incidents(_job(row) for row in rows)


async def audit_connection(conn: Connection, *, ending_after: datetime | None = None) -> list[Incident]:
    cur = await conn.execute(query("active_jobs_for_audit"), {"ending_after": ending_after})
    return find_incidents(_job(row) for row in await cur.fetchall())
