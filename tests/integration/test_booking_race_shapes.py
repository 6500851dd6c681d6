"""Every shape of overlap, raced across two server processes on one database: different
services on one instant, intervals overlapping only in part, admin writers against public
bookings, the place left beside a job under way. On the reference service no time ever holds
more active jobs than its capacities allow, and a reader polling between the commits never
sees a booked job without its emails.

Teeth: each shape has a broken variant of the capacity guard or a writer path that only that
shape catches (the same-slot race passes on it), and the checker names the over-filled time,
its jobs and the requests that made them. Emails written after the commit are seen by the
snapshot reader.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from reference_app.faults import fault_env
from reference_app.local.seed import SeedResult
from reference_app.local.stack import ServerProcess, start_server
from tests.integration.outbox_snapshots import SnapshotReader
from tests.integration.race_shapes import SHAPES, Calendar, Labelled, RaceResult, race

pytestmark = [pytest.mark.slow, pytest.mark.processes]

POOL_SIZE = 10  # Settings.pool_max_size's default: the first race meets a full pool
ATTEMPTS = 4  # a variant's race is retried on fresh hours until it over-fills
# shape -> the variant only it catches
TEETH = {
    "cross-service": "race_lock_per_service",
    "offset-intervals": "race_lock_first_hour_only",
    "admin-vs-public": "race_admin_writes_unlocked",
    "started-job": "capacity_ignores_started_jobs",
}

Pairs = Callable[[str | None], list[ServerProcess]]


@pytest.fixture(scope="module")
def server_pair(database_url: str, log_dir: Path) -> Iterator[Pairs]:
    """Two server processes of one variant (None: the reference), started when first asked for.
    Only one pair runs at a time: each holds a full pool, and the database is shared."""
    running: dict[str | None, list[ServerProcess]] = {}

    def stop_all() -> None:
        for servers in running.values():
            for server in servers:
                server.stop()
        running.clear()

    def pair(fault: str | None) -> list[ServerProcess]:
        if fault not in running:
            stop_all()
            env = {"DB_POOL_MIN_SIZE": str(POOL_SIZE), **(fault_env(fault) if fault else {})}
            running[fault] = []
            for _ in range(2):
                running[fault].append(start_server(database_url, env=env, log_dir=log_dir))
        return running[fault]

    yield pair
    stop_all()


def race_shape(
    pair: Pairs, fault: str | None, shape: str, tenant: SeedResult, database_url: str, attempt: int = 0
) -> RaceResult:
    calendar = Calendar(pair(fault), tenant)
    try:
        return race(calendar, SHAPES[shape](calendar, attempt), database_url)
    finally:
        calendar.close()


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape_holds_on_the_reference(
    server_pair: Pairs, tenant: SeedResult, database_url: str, shape: str
) -> None:
    calendar = Calendar(server_pair(None), tenant)
    racers = SHAPES[shape](calendar, 0)
    with SnapshotReader(database_url, tenant.tenant_id) as reader:
        result = race(calendar, racers, database_url)
    calendar.close()
    assert result.violations == [], result.violations
    assert result.acknowledged >= 1, result.responses
    assert reader.snapshots > 0
    assert reader.jobs_without_emails == set(), "a snapshot showed a booked job without its emails"


@pytest.mark.parametrize(("shape", "fault"), sorted(TEETH.items()))
def test_the_shape_catches_its_broken_variant(
    server_pair: Pairs, tenant: SeedResult, database_url: str, shape: str, fault: str
) -> None:
    # Why the shape exists: the variant passes today's one-service same-slot race.
    same_slot = race_shape(server_pair, fault, "same-slot", tenant, database_url)
    assert same_slot.violations == [], same_slot.violations
    assert same_slot.acknowledged == 1
    results = []
    for attempt in range(1, ATTEMPTS + 1):
        result = race_shape(server_pair, fault, shape, tenant, database_url, attempt)
        results.append(result)
        if result.overbookings:
            break
    assert result.overbookings, f"{fault}: no over-filled time in {len(results)} {shape} races"
    evidence = result.evidence()[0]
    assert evidence["start"] < evidence["end"]
    assert len(evidence["jobs"]) > evidence["capacity"]
    # The requests that made the jobs are named (a job placed before the race has none).
    assert sum(1 for requests in evidence["jobs"].values() if requests) >= 2, evidence
    if shape == "started-job":  # and the job under way is among them, named by its status
        assert "in-progress" in evidence["statuses"].values(), evidence
    assert result.violations


def many_slots(calendar: Calendar, attempt: int) -> list[Labelled]:
    """Forty bookings on forty different half hours: all succeed, all in parallel."""
    service = calendar.service("Half hours", 30)
    first = calendar.at(4, day_offset=10 + attempt)  # 04:00 to 24:00: clear of any DST change
    return [calendar.book(i, service, first + timedelta(minutes=30 * i), f"many{attempt}") for i in range(40)]


def test_snapshot_reader_sees_emails_written_after_the_commit(
    server_pair: Pairs, tenant: SeedResult, database_url: str
) -> None:
    """Teeth of the reader: a variant that commits the job, then its emails, is seen between."""
    calendar = Calendar(server_pair("race_emails_after_commit"), tenant)
    seen: set[str] = set()
    for attempt in range(ATTEMPTS):
        with SnapshotReader(database_url, tenant.tenant_id) as reader:
            result = race(calendar, many_slots(calendar, attempt), database_url)
        assert result.acknowledged == 40, result.unexpected
        seen = reader.jobs_without_emails
        if seen:
            break
    calendar.close()
    assert seen, f"no snapshot between the two commits in {ATTEMPTS} races"
