"""Availability's `remaining` counts every active job overlapping each slot: checked against a
plain count over many jobs of different lengths and offsets, touching, overlapping and
spanning slots (the service counts with two binary searches, not slots x jobs)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import TestClient

from reference_app.seed import SeedResult
from tests.integration.calls import create_job, create_service

CAPACITY = 50


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
    answer = client.get(
        f"/services/{service['id']}/availability", params={"start": "2030-01-11", "end": "2030-01-11"}
    )
    assert answer.status_code == 200
    slots = answer.json()["slots"]
    assert slots
    for slot in slots:
        start = datetime.fromisoformat(slot["startTime"])
        end = datetime.fromisoformat(slot["endTime"])
        busy = sum(1 for s, e in jobs if s < end and e > start)
        assert slot["remaining"] == max(0, CAPACITY - busy), slot
