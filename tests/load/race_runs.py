"""`python -m load run --scenario race` as the load tests start it: a real Locust run in a
child process against a local stack it starts, with its summary read back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reference_app.faults import fault_env


def run_race(
    results: Path,
    *options: str,
    stack_env: Mapping[str, str] | Sequence[str] = (),
    database_url: str | None = None,
    timeout: float = 300,
    ses: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run the race with these options (users, duration, ...); stack_env goes to the stack's
    servers (a mapping, or NAME=VALUE pairs). The stack has no SES (its emails stay queued)
    unless `ses`: a race is judged on its bookings, and moto, the email sender and the
    monitoring set-up cost each stack seconds of CPU that the race's own processes then lack."""
    command = [sys.executable, "-m", "load", "run", "--scenario", "race", *options]
    if not ses:
        command.append("--stack-without-ses")
    pairs = [f"{k}={v}" for k, v in stack_env.items()] if isinstance(stack_env, Mapping) else stack_env
    for pair in pairs:
        command += ["--stack-env", pair]
    command += ["--results-dir", str(results)]
    env = {**os.environ, **({"DATABASE_URL": database_url} if database_url else {})}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


def summary_of(results: Path) -> dict[str, Any]:
    return dict(json.loads((results / "summary.json").read_text()))


def race_against(
    fault: str,
    pg_url: str,
    results: Path,
    *,
    users: int = 60,
    duration_s: int = 15,
    slow_count: bool = False,
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """A race against a local stack running the broken variant `fault`, and its summary. With
    `slow_count` the stack also runs race_slow_capacity_count (half a second between the
    capacity count and the write): two writes a broken lock fails to serialise then overbook
    every time they meet, not only when the machine's timing lines them up."""
    run = run_race(
        results,
        *("--users", str(users), "--duration", f"{duration_s}s", "--processes", "2"),
        *("--think-time-ms", "100"),
        stack_env=fault_env(fault, *(["race_slow_capacity_count"] if slow_count else [])),
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
