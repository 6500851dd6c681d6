"""The capacity guard holds across processes: many bookings for one slot, fired at two server
processes sharing one database with last-byte synchronisation, never exceed the slot capacity.

The teeth test runs the same race against two servers started with BOOKING_CONCURRENCY_GUARD=off
and requires the same checker to report overbooking, proving the race really is a race.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest

from reference_app.local.seed import SeedResult
from reference_app.local.stack import ServerProcess, start_server
from tests.integration.last_byte_sync import RawRequest, RawResponse, fire_synchronised

pytestmark = [pytest.mark.slow, pytest.mark.processes]

RACERS = 60
DAYS_AHEAD = 3
SLOT_MINUTES = 30
UNGUARDED_ATTEMPTS = 5
POOL_SIZE = 10  # Settings.pool_max_size's default
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAY = {day: [{"start": "00:00", "end": "24:00"}] for day in WEEKDAYS}
ACTIVE_STATUSES = ("scheduled", "in-progress", "pending-confirmation")


def _start_pair(database_url: str, log_dir: Path, guard: str) -> Iterator[list[ServerProcess]]:
    servers: list[ServerProcess] = []
    try:
        for _ in range(2):
            servers.append(
                start_server(
                    database_url,
                    # A full pool from the start, so the first race already meets the database
                    # with pool_max_size concurrent transactions per process, not the default 2.
                    env={"BOOKING_CONCURRENCY_GUARD": guard, "DB_POOL_MIN_SIZE": str(POOL_SIZE)},
                    log_dir=log_dir,
                )
            )
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def guarded_servers(database_url: str, log_dir: Path) -> Iterator[list[ServerProcess]]:
    yield from _start_pair(database_url, log_dir, "on")


@pytest.fixture(scope="module")
def unguarded_servers(database_url: str, log_dir: Path) -> Iterator[list[ServerProcess]]:
    yield from _start_pair(database_url, log_dir, "off")


@dataclass(frozen=True)
class CapacityCheck:
    """What a race produced, on the wire and in the database, against the slot's capacity."""

    capacity: int
    created: int
    rejected: int
    db_rows: int
    unexpected: list[str] = field(default_factory=list)

    @property
    def overbooked_by(self) -> int:
        return max(self.created, self.db_rows) - self.capacity

    @property
    def violations(self) -> list[str]:
        found = list(self.unexpected)
        if self.created != self.capacity:
            found.append(f"{self.created} bookings succeeded (201) for capacity {self.capacity}")
        if self.db_rows != self.capacity:
            found.append(f"{self.db_rows} active jobs in the database for capacity {self.capacity}")
        if self.db_rows != self.created:
            found.append(f"{self.created} responses were 201 but the database holds {self.db_rows} jobs")
        return found


def check_capacity(
    responses: Sequence[RawResponse],
    *,
    database_url: str,
    tenant_id: str,
    start: datetime,
    end: datetime,
    capacity: int,
) -> CapacityCheck:
    """Count 201s, 409 slot_unavailable rejections and active jobs overlapping [start, end)."""
    created = rejected = 0
    unexpected: list[str] = []
    for index, response in enumerate(responses):
        if response.status == 201:
            created += 1
            job_start = datetime.fromisoformat(response.json()["job"]["startTime"])
            if job_start != start:
                unexpected.append(f"request {index}: booked {job_start}, not {start}")
        elif response.status == 409 and response.json()["error"]["code"] == "slot_unavailable":
            rejected += 1
        else:
            unexpected.append(f"request {index}: {response.status} {response.body[:300]!r}")
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM jobs WHERE tenant_id = %s AND status = ANY(%s)"
            " AND start_time < %s AND end_time > %s",
            (tenant_id, list(ACTIVE_STATUSES), end, start),
        ).fetchone()
    assert row is not None
    return CapacityCheck(capacity, created, rejected, int(row[0]), unexpected)


def create_service(base_url: str, tenant: SeedResult, capacity: int) -> str:
    """A new all-day, every-day service for this test, created through the admin API."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        login = client.post(
            "/auth/login", json={"email": tenant.admin_email, "password": tenant.admin_password}
        )
        assert login.status_code == 200, login.text
        created = client.post(
            "/admin/services",
            headers={"Authorization": f"Bearer {login.json()['token']}"},
            json={
                "name": f"Race capacity {capacity}",
                "durationMinutes": SLOT_MINUTES,
                "bookingSettings": {
                    "workingHours": ALL_DAY,
                    "slotIntervalMinutes": SLOT_MINUTES,
                    "maxBookingsPerSlot": capacity,
                    "advanceBookingDays": 60,
                },
            },
        )
        assert created.status_code == 201, created.text
        return str(created.json()["service"]["id"])


def future_slot(tenant: SeedResult, attempt: int = 0) -> datetime:
    """A slot a few days ahead of the real clock (the servers use it), at local 10:00 + attempt
    hours: an on-boundary wall time that exists on any day, DST changes included; every attempt
    gets its own hour, so its interval and its lock bucket are its own."""
    tz = ZoneInfo(tenant.time_zone)
    day = (datetime.now(tz) + timedelta(days=DAYS_AHEAD)).date()
    return datetime.combine(day, time(10 + attempt), tzinfo=tz)


def race(servers: Sequence[ServerProcess], service_id: str, start: datetime, tag: str) -> list[RawResponse]:
    """RACERS bookings of one slot, alternating between the servers, last-byte synchronised."""
    requests = [
        RawRequest.post_json(
            servers[index % len(servers)].url,
            f"/services/{service_id}/book",
            {
                "startTime": start.isoformat(),
                "contact": {"name": f"Racer {index}", "email": f"racer-{tag}-{index}@example.com"},
            },
        )
        for index in range(RACERS)
    ]
    return fire_synchronised(requests)


def run_race(
    servers: Sequence[ServerProcess], database_url: str, tenant: SeedResult, capacity: int, attempt: int = 0
) -> CapacityCheck:
    service_id = create_service(servers[0].url, tenant, capacity)
    start = future_slot(tenant, attempt)
    responses = race(servers, service_id, start, f"{capacity}-{attempt}")
    assert len(responses) == RACERS
    return check_capacity(
        responses,
        database_url=database_url,
        tenant_id=tenant.tenant_id,
        start=start,
        end=start + timedelta(minutes=SLOT_MINUTES),
        capacity=capacity,
    )


@pytest.mark.parametrize("capacity", [1, 3])
def test_guard_holds_across_two_processes(
    guarded_servers: list[ServerProcess], database_url: str, tenant: SeedResult, capacity: int
) -> None:
    check = run_race(guarded_servers, database_url, tenant, capacity)
    assert check.violations == [], check
    assert check.created == capacity
    assert check.rejected == RACERS - capacity
    assert check.db_rows == capacity


@pytest.mark.parametrize("capacity", [1, 3])
def test_race_overbooks_without_the_guard(
    unguarded_servers: list[ServerProcess],
    database_url: str,
    tenant: SeedResult,
    capacity: int,
    record_property: Any,
) -> None:
    """Teeth: with the lock switched off, the same race and the same checker find overbooking."""
    checks: list[CapacityCheck] = []
    for attempt in range(UNGUARDED_ATTEMPTS):
        check = run_race(unguarded_servers, database_url, tenant, capacity, attempt)
        checks.append(check)
        if check.overbooked_by > 0:
            break
    record_property("unguarded_checks", repr(checks))
    print(f"unguarded capacity {capacity}: {checks}")
    assert check.overbooked_by > 0, f"no overbooking in {len(checks)} unguarded races: {checks}"
    assert check.created > capacity or check.db_rows > capacity
    assert check.violations, "the checker must report the overbooking"
