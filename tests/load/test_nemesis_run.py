"""The race under every fault the nemesis has: on the reference service the audit still passes,
each fault is in the history with its recovery time, and the emails queued while SES was down
go out afterwards. Teeth: a service that acknowledges a booking before its transaction commits
(`load_ack_before_commit`) fails the audit under kill-worker and restart-db, with the lost
booking named. Each run starts its own PostgreSQL cluster (restart-db never touches a server
the harness did not start)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from load.checker.history import read_history
from load.nemesis.owned_postgres import OwnedPostgresUnavailable, find_bindir
from reference_app.faults import fault_env
from tests.load.race_runs import run_race, summary_of

# One after the other on one xdist worker: each race runs a PostgreSQL cluster of its own that
# it restarts, and two of those at once on two cores made the faults' recovery windows overlap.
pytestmark = [pytest.mark.slow, pytest.mark.locust_race, pytest.mark.xdist_group("nemesis")]


@pytest.fixture(scope="module", autouse=True)
def postgres_binaries() -> None:
    try:
        find_bindir()
    except OwnedPostgresUnavailable as exc:
        pytest.skip(str(exc))


def race_with_nemesis(
    results: Path, nemesis: str, duration: str, *stack_env: str, interval: str = "4s"
) -> subprocess.CompletedProcess[str]:
    options = ("--users", "20", "--duration", duration, "--nemesis", nemesis, "--nemesis-interval", interval)
    return run_race(results, *options, stack_env=stack_env, timeout=280, ses="ses-outage" in nemesis)


def test_race_under_every_fault_passes_on_the_reference_service(tmp_path: Path) -> None:
    results = tmp_path / "race"
    run = race_with_nemesis(results, "kill-worker,restart-db,ses-outage,drop-connections", "45s")
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert "AUDIT VERDICT: PASS" in run.stdout and "NEMESIS: PASS" in run.stdout, output[-4000:]

    summary = summary_of(results)
    assert summary["passed"] and summary["verdict"]["ok"]
    injected = summary["nemesis"]["injected"]
    assert {f["fault"] for f in injected} == {"kill-worker", "restart-db", "ses-outage", "drop-connections"}
    assert all(f["recoverySeconds"] is not None and f["recoverySeconds"] > 0 for f in injected)
    checks = {c["name"]: c for c in summary["nemesis"]["checks"]}
    emails = [c for name, c in checks.items() if name.startswith("emails queued during the SES outage")]
    assert emails and all(c["ok"] for c in emails), emails
    # Every fault is an operation of the history, from injection to recovery.
    faults = [op for op in read_history(results / "history.jsonl") if op.kind == "fault"]
    assert sorted(op.code or "" for op in faults) == sorted(f["fault"] for f in injected)
    assert all(op.end > op.start and op.outcome == "ok" and op.detail for op in faults)
    # Faults cost requests: some were indeterminate, and the audit resolved each one.
    indeterminate = summary["verdict"]["counts"].get("book:indeterminate", 0)
    assert indeterminate > 0
    assert "time to recover" in (results / "summary.md").read_text()


def test_acknowledging_before_commit_is_caught_with_the_lost_booking_named(tmp_path: Path) -> None:
    results = tmp_path / "race"
    env = [f"{name}={value}" for name, value in fault_env("load_ack_before_commit").items()]
    # The database restart first: it rolls back every uncommitted booking on every server.
    run = race_with_nemesis(results, "restart-db,kill-worker", "30s", *env, interval="2s")
    output = run.stdout + run.stderr
    verdict = (results / "verdict.txt").read_text() if (results / "verdict.txt").exists() else output[-4000:]
    assert run.returncode != 0, verdict
    assert "AUDIT VERDICT: FAIL" in run.stdout and "[BREACH] lost acknowledged bookings" in run.stdout, (
        verdict + "\n" + run.stdout[-1500:]
    )

    summary = summary_of(results)
    checks = {c["name"]: c for c in summary["verdict"]["checks"]}
    lost = checks["lost_acknowledged_booking"]
    assert not lost["ok"] and lost["count"] > 0
    ops = read_history(results / "history.jsonl")
    faults = [op for op in ops if op.kind == "fault"]
    last_fault = max(f.start for f in faults)
    struck = []
    for evidence in lost["evidence"]:
        request = evidence["request"]
        assert evidence["jobId"] and request["job_id"] == evidence["jobId"]
        assert request["outcome"] == "ok" and request["status"] == 201
        # It was acknowledged just before a fault struck, and the fault took it; or after the
        # last fault, and the run's end took it (its commit was due a second after the 201).
        if any(f.start - 5 <= request["end"] <= f.end for f in faults):
            struck.append(evidence["jobId"])
        else:
            assert request["end"] > last_fault, (request, faults)
    assert struck, lost["evidence"]
    # The nemesis report names the fault that struck after each lost booking's 201 (none for
    # one the run's end took).
    blamed = {b["jobId"]: b["firstFaultAfter"] for b in summary["nemesis"]["lostBookings"]}
    assert set(blamed) == {e["jobId"] for e in lost["evidence"]}
    assert {blamed[job] for job in struck} <= {"restart-db", "kill-worker"}
    assert "lost acknowledged booking" in run.stdout
