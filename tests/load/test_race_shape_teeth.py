"""Teeth of the race's shapes: against a local stack running a broken variant that only one
shape of overlap catches (the capacity guard locking per service, or only an interval's first
hour; the admin writers skipping the lock), the Locust race fails its audit with evidence: the
over-filled time, its jobs and the requests that made them. The stack also waits half a second
between the capacity count and the write (race_slow_capacity_count), so two writes the variant
fails to serialise overbook whenever they meet: three at once on two cores caught each variant
on its first run. A variant still gets up to four runs: on a machine far busier than CI's (four
races and a busy loop on two cores) a run can end with too few rounds raced to meet."""

from __future__ import annotations

from pathlib import Path

import pytest

from reference_app.local.postgres_provider import ProvidedPostgres
from tests.load.race_runs import caught, named_jobs, overfilled, race_against

pytestmark = [pytest.mark.slow, pytest.mark.locust_race]

RUNS = 4


@pytest.mark.parametrize(
    "fault", ["race_lock_per_service", "race_lock_first_hour_only", "race_admin_writes_unlocked"]
)
def test_the_race_audit_catches_each_variant_with_evidence(
    pg_server: ProvidedPostgres, tmp_path: Path, fault: str
) -> None:
    for attempt in range(RUNS):
        run, summary = race_against(fault, pg_server.url, tmp_path / f"run{attempt}", slow_count=True)
        if caught(summary):
            break
    output = run.stdout + run.stderr
    assert caught(summary), f"{fault} passed {RUNS} race audits:\n{output[-3000:]}"
    assert run.returncode != 0 and "AUDIT VERDICT: FAIL" in run.stdout, output[-3000:]
    assert summary["passed"] is False and summary["verdict"]["ok"] is False
    evidence = next(e for e in overfilled(summary) if len(named_jobs(e)) >= 2)
    assert len(evidence["jobIds"]) > evidence["capacity"]
    assert evidence["slot"]["start"] < evidence["slot"]["end"]
