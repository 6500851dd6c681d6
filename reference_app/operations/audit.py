"""Double-booking audit of the live data: instants where more active jobs overlap than the
capacity allows, with the job ids.

The capacity guard admits a job only while fewer than its capacity of active jobs overlap it,
so any set of jobs active together at one instant must hold no more jobs than the largest
capacity among them; more precisely, for every capacity c among them, at most c of them may
have a capacity <= c (the last of those admitted saw the others). A job's capacity is its
service's maxBookingsPerSlot, or 1 without a service (admin jobs refuse any overlap).
The sweep itself is the harness's (harness/overbooking.py), the one the load checker runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from harness.overbooking import Occupancy, find_overbookings
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


def _incidents_of_tenant(jobs: list[ActiveJob]) -> Iterator[Incident]:
    """The tenant's breaches (the harness's own finder: the same rule as the load checker's),
    in calendar order. Breaches that share a job, one after another, are one incident with
    every job involved, dated from the first."""
    by_id = {str(job.id): job for job in jobs}
    occupancies = (Occupancy(str(job.id), job.start, job.end, job.capacity) for job in jobs)
    open_incident: Incident | None = None
    for breach in find_overbookings(occupancies):
        ids = {by_id[job_id].id for job_id in breach.job_ids}
        if open_incident is not None and set(open_incident.job_ids) & ids:
            merged = tuple(sorted(set(open_incident.job_ids) | ids, key=str))
            open_incident = Incident(
                open_incident.tenant_id, open_incident.at, open_incident.capacity, merged
            )
            continue
        if open_incident is not None:
            yield open_incident
        tenant_id = by_id[breach.job_ids[0]].tenant_id
        open_incident = Incident(tenant_id, breach.start, breach.capacity, tuple(sorted(ids, key=str)))
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
