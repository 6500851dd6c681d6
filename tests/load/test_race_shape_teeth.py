"""Teeth of the race's shapes: against a local stack running a broken variant that only one
shape of overlap catches (the capacity guard locking per service, or only an interval's first
hour; the admin writers skipping the lock), the Locust race fails its audit with evidence: the
over-filled time, its jobs and the requests that made them. Short pauses make many attempts
overlap; a variant gets up to three runs (the generator is not synchronised like the
integration race; one run caught each variant in most trials) before the test gives up."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from reference_app.faults import fault_env
from reference_app.local.postgres_provider import ProvidedPostgres
from tests.load.race_runs import run_race, summary_of

pytestmark = pytest.mark.slow

RUNS = 3


def race_against(
    fault: str, pg_url: str, results: Path
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    run = run_race(
        results,
        *("--users", "60", "--duration", "15s", "--processes", "2", "--think-time-ms", "100"),
        stack_env=fault_env(fault),
        database_url=pg_url,
    )
    summary = results / "summary.json"
    # A run that died before judging (it says why on stderr) judged nothing: an empty verdict.
    empty: dict[str, Any] = {"passed": None, "verdict": {"ok": None, "checks": []}}
    return run, summary_of(results) if summary.exists() else empty


def overfilled(summary: dict[str, Any]) -> list[dict[str, Any]]:
    checks = {c["name"]: c for c in summary["verdict"]["checks"]}
    names = ("double_booking", "overbooked_during_run")
    return [evidence for name in names if name in checks for evidence in checks[name]["evidence"]]


def named_jobs(evidence: dict[str, Any]) -> set[str]:
    """The over-filled time's jobs whose making (or moving) request is named, acknowledged."""
    named = {r.get("job_id") for r in evidence["requests"] if r["outcome"] == "ok"}
    return named & set(evidence["jobIds"])


def caught(summary: dict[str, Any]) -> bool:
    # A run on a busy machine can lose a worker's reports (the history gate then says so):
    # such a run proves nothing either way and is run again.
    return any(len(named_jobs(evidence)) >= 2 for evidence in overfilled(summary))


@pytest.mark.parametrize(
    "fault", ["race_lock_per_service", "race_lock_first_hour_only", "race_admin_writes_unlocked"]
)
def test_the_race_audit_catches_each_variant_with_evidence(
    pg_server: ProvidedPostgres, tmp_path: Path, fault: str
) -> None:
    for attempt in range(RUNS):
        run, summary = race_against(fault, pg_server.url, tmp_path / f"run{attempt}")
        if caught(summary):
            break
    output = run.stdout + run.stderr
    assert caught(summary), f"{fault} passed {RUNS} race audits:\n{output[-3000:]}"
    assert run.returncode != 0 and "AUDIT VERDICT: FAIL" in run.stdout, output[-3000:]
    assert summary["passed"] is False and summary["verdict"]["ok"] is False
    evidence = next(e for e in overfilled(summary) if len(named_jobs(e)) >= 2)
    assert len(evidence["jobIds"]) > evidence["capacity"]
    assert evidence["slot"]["start"] < evidence["slot"]["end"]
