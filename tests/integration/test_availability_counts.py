"""Availability's `remaining` counts every active job overlapping each slot: checked against a
plain count over many jobs of different lengths and offsets, touching, overlapping and
spanning slots (the service counts with two binary searches, not slots x jobs)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import TestClient

from reference_app.local.seed import SeedResult
from tests.integration.calls import create_job, create_service

CAPACITY = 50


def check_remaining(
    client: TestClient[Any], service_id: str, first: str, last: str, jobs: list[tuple[datetime, datetime]]
) -> list[dict[str, Any]]:
    """Every slot's `remaining` is the capacity less a plain count of the jobs overlapping it."""
    answer = client.get(f"/services/{service_id}/availability", params={"start": first, "end": last})
    assert answer.status_code == 200
    slots = answer.json()["slots"]
    assert slots
    for slot in slots:
        start = datetime.fromisoformat(slot["startTime"])
        end = datetime.fromisoformat(slot["endTime"])
        busy = sum(1 for s, e in jobs if s < end and e > start)
        assert slot["remaining"] == max(0, CAPACITY - busy), slot
    return list(slots)


def test_remaining_matches_a_plain_overlap_count(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    service = create_service(client, admin_headers, maxBookingsPerSlot=CAPACITY)
    rng = random.Random(5)
    day = datetime(2030, 1, 11, 5, 0, tzinfo=UTC)  # a day ahead of the tests' clock
    jobs = []
    for _ in range(40):
        start = day + timedelta(minutes=15 * rng.randrange(0, 70))
        end = start + timedelta(minutes=rng.choice([15, 30, 45, 60, 90, 240]))
        created = create_job(
            client, admin_headers, start.isoformat(), end.isoformat(), serviceId=service["id"]
        )
        assert created.status_code == 201, created.text
        jobs.append((start, end))
    check_remaining(client, service["id"], "2030-01-11", "2030-01-11", jobs)


def test_long_jobs_that_began_days_before_the_range_are_counted(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    """The look-up scans jobs from 7 days (the longest a job may last) before the range: a
    week-long job that began just under 7 days before a slot still takes a place in it, one
    that ended exactly at a slot's start does not, microseconds included."""
    service = create_service(client, admin_headers, maxBookingsPerSlot=CAPACITY)
    first = datetime(2030, 1, 18, 0, 0, tzinfo=UTC)
    lengths = [timedelta(days=7), timedelta(days=7) - timedelta(microseconds=1), timedelta(days=3)]
    jobs = []
    for offset_minutes in range(0, 24 * 60, 90):
        for length in lengths:
            end = first + timedelta(minutes=offset_minutes, microseconds=offset_minutes % 7)
            start = end - length
            created = create_job(
                client, admin_headers, start.isoformat(), end.isoformat(), serviceId=service["id"]
            )
            assert created.status_code == 201, created.text
            jobs.append((start, end))
    slots = check_remaining(client, service["id"], "2030-01-17", "2030-01-18", jobs)
    assert any(slot["remaining"] < CAPACITY for slot in slots)
