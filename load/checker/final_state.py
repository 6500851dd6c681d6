"""The final state the audit compares the history with: the jobs in the booked time range and
every service's slot capacity (and, for systems of several calendars, whose calendar each
service books). Of the reference: read from the database when its URL is known (nothing hides
there), else through the admin API. Of any other system: read through its adapter
(`final_state`), whichever way the adapter reads it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from harness import model
from harness.api_client import BookingApi
from harness.target import Target
from load.checker.operations import Operation

# The statuses that occupy a slot (the seed's three): a job waiting for confirmation, booked,
# or under way counts against the capacity...
ACTIVE_STATUSES = frozenset({"scheduled", "in-progress", "pending-confirmation"})
# ...and these free it: a job done, cancelled (a declined job is cancelled), or missed.
FREEING_STATUSES = frozenset({"completed", "cancelled", "no-show"})
# Every slot a run books lies in the coming weeks; a day of margin on each side is plenty.
_MARGIN = timedelta(days=1)
_DEFAULT_SPAN = timedelta(days=90)


@dataclass(frozen=True)
class JobRecord:
    id: str
    service_id: str | None
    start: datetime
    end: datetime
    status: str
    contact_email: str | None = None
    # Rows in the email outbox; None when not known (the admin API does not show them).
    emails: int | None = field(default=None, compare=False)
    # Whether it holds its time, as its adapter says; None: judged by its status (the reference's).
    occupies: bool | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES if self.occupies is None else self.occupies


@dataclass(frozen=True)
class FinalState:
    jobs: Mapping[str, JobRecord]
    capacities: Mapping[str, int] = field(default_factory=dict)
    source: str = "given"  # "database", "admin-api", or "<adapter> (<where it read>)"
    # Whose time each service's bookings take; every service the reference names shares one.
    calendars: Mapping[str, str] = field(default_factory=dict)

    def capacity(self, service_id: str | None) -> int:
        """A job's slot capacity: its service's maxBookingsPerSlot, 1 without a service."""
        return self.capacities.get(service_id, 1) if service_id else 1

    def calendar(self, service_id: str | None) -> str:
        return self.calendars.get(service_id or "", "")


def parse_instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def audit_window(ops: Iterable[Operation]) -> tuple[datetime, datetime]:
    """The time range holding every slot the history asked for or was given."""
    times = [
        parse_instant(t) for op in ops for t in (op.slot_start, op.job_start, op.job_end) if t is not None
    ]
    if not times:
        now = datetime.now(UTC)
        return now - _MARGIN, now + _DEFAULT_SPAN
    return min(times) - _MARGIN, max(times) + _MARGIN


_JOBS_SQL = """
SELECT j.id::text AS id, j.service_id::text AS service_id, j.start_time, j.end_time, j.status,
       c.email AS contact_email,
       (SELECT count(*) FROM email_outbox o WHERE o.job_id = j.id) AS emails
FROM jobs j LEFT JOIN contacts c ON c.id = j.contact_id
WHERE j.tenant_id IN (SELECT tenant_id FROM services WHERE id = ANY(%(services)s::uuid[]))
  AND j.start_time < %(last)s AND j.end_time > %(first)s
"""
_CAPACITIES_SQL = """
SELECT id::text AS id, COALESCE((booking_settings->>'maxBookingsPerSlot')::int, 1) AS capacity
FROM services
WHERE tenant_id IN (SELECT tenant_id FROM services WHERE id = ANY(%(services)s::uuid[]))
"""


def read_from_database(
    database_url: str, service_ids: Iterable[str], window: tuple[datetime, datetime]
) -> FinalState:
    import psycopg
    from psycopg.rows import dict_row

    params = {"services": sorted(set(service_ids)), "first": window[0], "last": window[1]}
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        capacities = {row["id"]: int(row["capacity"]) for row in conn.execute(_CAPACITIES_SQL, params)}
        jobs = {
            row["id"]: JobRecord(
                id=row["id"],
                service_id=row["service_id"],
                start=row["start_time"].astimezone(UTC),
                end=row["end_time"].astimezone(UTC),
                status=row["status"],
                contact_email=row["contact_email"],
                emails=int(row["emails"]),
            )
            for row in conn.execute(_JOBS_SQL, params)
        }
    return FinalState(jobs, capacities, "database")


class FinalStateError(RuntimeError):
    """The final state could not be read: the audit cannot judge the run."""


def read_from_admin_api(
    target: Target, window: tuple[datetime, datetime], api: BookingApi | None = None
) -> FinalState:
    if not target.has_admin:
        raise FinalStateError("the target has neither a databaseUrl nor admin credentials to audit with")
    assert target.admin_email is not None and target.admin_password is not None
    # An api given by the caller (a test client) stays the caller's to close.
    with contextlib.nullcontext(api) if api else BookingApi(target.base_url, timeout=30) as api:
        login = api.login(target.admin_email, target.admin_password)
        if login.status_code != 200:
            raise FinalStateError(f"admin login failed: {login.status_code} {login.text[:200]}")
        services = api.services()
        if services.status_code != 200:
            raise FinalStateError(f"listing services failed: {services.status_code}")
        capacities = {
            s["id"]: int(s["bookingSettings"].get("maxBookingsPerSlot", 1))
            for s in services.json()["services"]
        }
        listed = api.jobs(window[0].date() - _MARGIN, window[1].date() + _MARGIN)
        if listed.status_code != 200:
            raise FinalStateError(f"listing jobs failed: {listed.status_code} {listed.text[:200]}")
    jobs = {}
    for job in listed.json()["jobs"]:
        contact = job.get("contact") or {}
        jobs[job["id"]] = JobRecord(
            id=job["id"],
            service_id=job.get("serviceId"),
            start=parse_instant(job["startTime"]),
            end=parse_instant(job["endTime"]),
            status=job["status"],
            contact_email=contact.get("email"),
        )
    return FinalState(jobs, capacities, "admin-api")


def read_final_state(target: Target, ops: Iterable[Operation]) -> FinalState:
    ops = list(ops)
    window = audit_window(ops)
    service_ids = set(target.services.values()) | {op.service_id for op in ops if op.service_id}
    if target.database_url and service_ids:
        return read_from_database(target.database_url, service_ids, window)
    return read_from_admin_api(target, window)


def from_model(state: model.FinalState, system: str, services: Iterable[model.Service] = ()) -> FinalState:
    """An adapter's final state as the audit reads it: each booking with whether it holds its
    time, its capacity and its calendar."""
    calendars = {service.id: service.calendar for service in services}
    capacities = {service.id: service.capacity for service in services}
    jobs = {}
    for record in state.bookings:
        calendars[record.service_id] = record.calendar
        capacities[record.service_id] = record.capacity
        jobs[record.booking_id] = JobRecord(
            id=record.booking_id,
            service_id=record.service_id,
            start=record.interval.start.astimezone(UTC),
            end=record.interval.end.astimezone(UTC),
            status=record.status,
            contact_email=record.client_email,
            occupies=record.occupies,
        )
    where = f" ({state.read_from})" if state.read_from else ""
    return FinalState(jobs, capacities, f"{system}{where}", calendars)


def read_through_adapter(target: Target, ops: Iterable[Operation]) -> FinalState:
    """The final state as the target's adapter reads it, over the days the history touched."""
    from harness.adapters import open_adapter

    first, last = audit_window(ops)
    system = open_adapter(target)
    try:
        model.require(system, model.Capability.FINAL_STATE)
        services = list(system.services().values())
        state = system.final_state(first.date() - _MARGIN, last.date() + _MARGIN)
    except model.MissingCapability as exc:
        raise FinalStateError(str(exc)) from None
    finally:
        system.close()
    return from_model(state, system.name, services)
