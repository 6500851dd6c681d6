"""Teeth: the race scenario, run against a local stack whose servers skip the slot locks
(BOOKING_CONCURRENCY_GUARD=off, with a slow database between the count and the write, so two
clients on a slot within half a second double-book it however busy the machine is: an unguarded
race without the pause once booked 50 clients clean on a busy CI machine), must fail its audit
with evidence: the double-booked slot, the job ids and the requests that made them. Distributed
over two Locust worker processes, so the history shipped from the workers is what catches it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_app.faults import fault_env
from reference_app.local.postgres_provider import ProvidedPostgres
from tests.load.race_runs import run_race, summary_of

pytestmark = [pytest.mark.slow, pytest.mark.locust_race]


def test_unguarded_race_fails_the_audit_with_evidence(pg_server: ProvidedPostgres, tmp_path: Path) -> None:
    results = tmp_path / "race"
    # Short pauses: many concurrent attempts per slot, so unguarded overlaps are certain.
    run = run_race(
        results,
        *("--users", "60", "--duration", "12s", "--processes", "2", "--think-time-ms", "100"),
        stack_env={"BOOKING_CONCURRENCY_GUARD": "off", **fault_env("race_slow_capacity_count")},
        database_url=pg_server.url,
        timeout=240,
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0, output[-3000:]
    assert "AUDIT VERDICT: FAIL" in run.stdout and "[BREACH] double-bookings" in run.stdout, output[-3000:]

    summary = summary_of(results)
    assert summary["passed"] is False and summary["verdict"]["ok"] is False
    checks = {c["name"]: c for c in summary["verdict"]["checks"]}
    double = checks["double_booking"]
    assert double["count"] > 0 and not double["ok"]
    evidence = double["evidence"][0]
    assert len(evidence["jobIds"]) > evidence["capacity"]
    assert evidence["slot"]["start"] < evidence["slot"]["end"]
    assert evidence["requests"] and all(r["outcome"] == "ok" for r in evidence["requests"])
    # The rest of the audit still holds: nothing lost, nothing invented, and the history came
    # back whole from both workers.
    assert checks["lost_acknowledged_booking"]["ok"] and checks["phantom_booking"]["ok"]
    gates = {g["name"]: g for g in summary["gates"]}
    assert gates["history complete"]["ok"], gates["history complete"]
    assert summary["options"]["recordingProcesses"] == 2
    for name in ("summary.md", "locust.html", "locust_stats.csv", "history.jsonl"):
        assert (results / name).exists(), name
