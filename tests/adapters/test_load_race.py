"""`python -m load run --scenario race` against django-appointment, as a user runs it: the target
file the stack writes names the adapter, the Locust race goes through its prepare/commit, and
the audit of the app's final state fails naming the over-booked slots and their appointments
(the app never re-checks a slot when it commits a booking)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.adapters.django_appointment.stack import AppStack

pytestmark = [pytest.mark.slow, pytest.mark.adapter_django]
ROOT = Path(__file__).resolve().parents[2]


def load_run(target_file: Path, results: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "load", "run", "--target-file", str(target_file), *options]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    return subprocess.run(
        [*command, "--results-dir", str(results)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_load_race_fails_naming_the_over_booked_slots_and_their_appointments(
    app: AppStack, tmp_path: Path
) -> None:
    target_file = tmp_path / "target.json"
    target_file.write_text(json.dumps(app.target_json()))
    results = tmp_path / "race"

    run = load_run(target_file, results, "--scenario", "race", "--users", "20", "--duration", "10s")

    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-3000:]
    assert "AUDIT VERDICT: FAIL" in run.stdout, output[-3000:]
    assert "THROUGH: django-appointment adapter, prepare/commit released together each round" in run.stdout
    assert "NOTE: admin writers: not applicable: admin-create, admin-reschedule, lifecycle" in run.stdout
    summary = json.loads((results / "summary.json").read_text())
    assert summary["target"]["adapter"] == "django-appointment" and summary["result"] == "FAIL"
    slots = summary["overbookedSlots"]
    assert slots and all(s["capacity"] == 1 and len(s["bookings"]) >= 2 for s in slots), slots
    for slot in slots:
        assert f"OVER-BOOKED {slot['start']} .. {slot['end']} (capacity 1" in run.stdout
    # This run's racers made them: the evidence names the acknowledged requests of this run.
    double = next(c for c in summary["verdict"]["checks"] if c["name"] == "double_booking")
    ours = [
        e
        for e in double["evidence"]
        if len({r.get("job_id") for r in e["requests"] if r["outcome"] == "ok"}) >= 2
    ]
    assert ours, double["evidence"]
    assert summary["releases"]["racedRounds"] >= 1 and summary["releases"]["spreadMs"]["max"] is not None
    assert "OVER-BOOKED" in (results / "summary.md").read_text()


def test_the_mix_against_django_appointment_is_not_applicable(app: AppStack, tmp_path: Path) -> None:
    target_file = tmp_path / "target.json"
    target_file.write_text(json.dumps(app.target_json()))

    run = load_run(target_file, tmp_path / "mix", "--scenario", "mix", "--users", "2", "--duration", "2s")

    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.splitlines() == [
        "load: not applicable: lifecycle (django-appointment does not offer it; the mix's visitors look "
        "up availability and book, its staff confirm, decline and cancel)"
    ]
    assert not (tmp_path / "mix").exists()
