"""Teeth of the race through an adapter: the same Locust race, but every booking prepared by the
reference adapter and only its commit released at the round's instant (--through-adapter), in
one Locust process, against a local stack whose servers skip the slot locks
(BOOKING_CONCURRENCY_GUARD=off, and a slow database between the count and the write, so commits
released together double-book however busy the machine is: on a busy CI machine, 25 commits
without the pause once went through one at a time). It must fail its audit naming the
over-booked slots and the requests that made them: the generic path catches what it exists
for, not only on django-appointment (tests/adapters/test_load_race.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from load.checker.history import read_history
from reference_app.faults import fault_env
from reference_app.local.postgres_provider import ProvidedPostgres
from tests.load.race_runs import caught, run_race, summary_of

pytestmark = [pytest.mark.slow, pytest.mark.locust_race]


def test_the_race_through_the_adapter_catches_the_unguarded_service(
    pg_server: ProvidedPostgres, tmp_path: Path
) -> None:
    results = tmp_path / "race"
    run = run_race(
        results,
        *("--users", "20", "--duration", "6s", "--through-adapter"),
        stack_env={"BOOKING_CONCURRENCY_GUARD": "off", **fault_env("race_slow_capacity_count")},
        database_url=pg_server.url,
        timeout=240,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-3000:]
    assert "THROUGH: reference adapter, prepare/commit released together each round" in run.stdout
    assert "AUDIT VERDICT: FAIL" in run.stdout and "OVER-BOOKED " in run.stdout, output[-3000:]

    summary = summary_of(results)
    assert caught(summary), summary["verdict"]["checks"]
    assert summary["overbookedSlots"]
    # Every booking went through prepare/commit: released at a round's instant, or sent at once
    # when its prepare missed the instant, or retried with its key; Locust counted each commit.
    history = [op for op in read_history(results / "history.jsonl") if op.kind == "book"]
    releases = summary["releases"]
    retries = sum(1 for op in history if op.attempt == 1)
    assert releases["racers"] + releases["missed"] + retries == len(history) > 0
    assert releases["racedRounds"] >= 1
    names = {row["name"] for row in summary["stats"]}
    assert names == {"prepare booking (reference)", "commit booking (reference)"}
