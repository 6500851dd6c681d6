"""The reference adapter against real reference stacks (server processes on PostgreSQL, real
HTTP), and `python -m harness race` through it: it passes against the service, and fails,
naming the over-booked slot and its bookings, against the variant whose guard is off."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from harness.adapters import open_adapter
from harness.adapters.reference import ReferenceApi
from harness.contract import BOOKING_RULE_CODES
from harness.model import Booked, Client, Interval, Refused, Unknown, book
from harness.suite_sessions import PROPERTIES_SESSION_OPTIONS
from harness.target import Target
from reference_app.faults import fault_env
from reference_app.local.stack import free_port, local_stack

pytestmark = [pytest.mark.slow, pytest.mark.processes]
REPO_ROOT = Path(__file__).resolve().parents[2]
# No moto server and no sender (the stack's default without SES): the bookings' emails are only
# queued, nothing leaves the machine. A sender would poll the outbox five times a second.
STACK_ENV = {"ABUSE_LIMITS": "off", "EMAIL_POLL_SECONDS": "0.2"}
BROKEN = fault_env("race_guard_off", "race_slow_capacity_count")
OWN_ADAPTER = "tests.unit.test_adapter_registry:OwnSystem"  # a team's adapter, by module:Class


@pytest.fixture(scope="module")
def reference(log_dir: Path) -> Iterator[Target]:
    with local_stack(servers=2, env=STACK_ENV, with_ses=False, log_dir=log_dir / "adapter-race") as info:
        yield Target.from_json(info.target_json(), local=True)


@pytest.fixture(scope="module")
def broken(log_dir: Path) -> Iterator[Target]:
    env = {**STACK_ENV, **BROKEN}
    with local_stack(servers=2, env=env, with_ses=False, log_dir=log_dir / "adapter-race-broken") as info:
        yield Target.from_json(info.target_json(), local=True)


def race(
    target: Target, folder: Path, *options: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    folder.mkdir(parents=True, exist_ok=True)
    target_file = folder / "target.json"
    target_file.write_text(json.dumps(target.to_json()))
    results = folder / "results"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness",
            "race",
            "--target-file",
            str(target_file),
            *options,
            "--results-dir",
            str(results),
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    summary = results / "summary.json"
    return done, json.loads(summary.read_text()) if summary.exists() else {}


def test_the_reference_adapter_books_refuses_and_reads_the_final_state(reference: Target) -> None:
    system = open_adapter(reference)
    assert isinstance(system, ReferenceApi)
    try:
        assert system.preflight().startswith(f"preflight ok: {reference.base_url} is the booking API")
        standard = system.services()["standard"]
        assert standard.capacity == 1 and standard.calendar
        assert system.services()["workshop"].capacity > 1
        tomorrow = datetime.now(UTC).date() + timedelta(days=1)
        slot = system.availability(standard.id, tomorrow, tomorrow + timedelta(days=70))[0]
        first = book(system, standard.id, slot.interval, Client("First", "first@harness.example.com"))
        assert isinstance(first, Booked) and first.interval == slot.interval and first.status == "scheduled"
        assert_queued_and_unsent(reference, first.booking_id)
        again = book(system, standard.id, slot.interval, Client("Second", "second@harness.example.com"))
        assert isinstance(again, Refused) and (again.reason, again.code) == ("taken", "slot_unavailable")
        past = Interval(slot.interval.start - timedelta(days=30), slot.interval.end - timedelta(days=30))
        refused = book(system, standard.id, past, Client("Late", "late@harness.example.com"))
        assert (
            isinstance(refused, Refused) and refused.reason == "rule" and refused.code in BOOKING_RULE_CODES
        )
        day = slot.interval.start.date()
        through_admin_api = ReferenceApi(replace(reference, database_url=None), {})
        try:
            reads = [system.final_state(day, day), through_admin_api.final_state(day, day)]
        finally:
            through_admin_api.close()
        assert [read.read_from for read in reads] == ["database", "admin API"]
        for read in reads:
            [held] = [b for b in read.bookings if b.booking_id == first.booking_id]
            assert (held.interval, held.occupies, held.capacity, held.client_email) == (
                slot.interval,
                True,
                1,
                "first@harness.example.com",
            )
            assert held.calendar == standard.calendar
    finally:
        system.close()


def assert_queued_and_unsent(stack: Target, job_id: str) -> None:
    """A stack without SES queues a booking's emails and no process tries to send them."""
    time.sleep(1)  # five polls of a sender, were one running
    with psycopg.connect(stack.database_url or "") as conn:
        rows = conn.execute(
            "SELECT state, attempts FROM email_outbox WHERE job_id = %s", (job_id,)
        ).fetchall()
    assert rows and all(row == ("pending", 0) for row in rows), rows


def test_a_booking_nobody_answers_is_unknown(reference: Target) -> None:
    dead = ReferenceApi(replace(reference, base_url=f"http://127.0.0.1:{free_port()}", urls=()), {})
    start = datetime.now(UTC) + timedelta(days=3)
    try:
        outcome = book(
            dead, "any", Interval(start, start + timedelta(hours=1)), Client("A", "a@harness.example.com")
        )
    finally:
        dead.close()
    assert isinstance(outcome, Unknown) and "ConnectError" in outcome.why


def test_the_race_through_the_reference_adapter_passes(reference: Target, tmp_path: Path) -> None:
    done, summary = race(reference, tmp_path, "--clients", "6", "--rounds", "3")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "RACE VERDICT: PASS" in output and "spread of the racers' final writes" in output
    assert summary["verdict"] == "PASS" and len(summary["rounds"]) == 3
    for one in summary["rounds"]:
        kinds = sorted((o["kind"], o.get("reason")) for o in one["outcomes"])
        assert kinds == [("booked", None)] + [("refused", "taken")] * 5, one
    assert summary["spreadOfFinalWritesMs"]["max"] is not None


def test_the_race_fails_against_the_variant_without_a_guard(broken: Target, tmp_path: Path) -> None:
    done, summary = race(broken, tmp_path, "--clients", "6", "--rounds", "2")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output[-3000:]
    assert "RACE VERDICT: FAIL" in output and "Traceback" not in output
    booked = {o["booking_id"] for r in summary["rounds"] for o in r["outcomes"] if o["kind"] == "booked"}
    from_state = [o for o in summary["overbooked"] if o["evidence"].startswith("final state")]
    assert from_state, summary["overbooked"]
    for found in from_state:
        assert len(found["booking_ids"]) > found["capacity"] and set(found["booking_ids"]) <= booked
        assert f"OVER-BOOKED {found['interval'][0]}" in output
        for booking_id in found["booking_ids"]:
            assert booking_id in output


def test_an_unknown_adapter_ends_in_one_line(tmp_path: Path) -> None:
    target = Target(base_url=f"http://127.0.0.1:{free_port()}", adapter="no-such-adapter")
    done, summary = race(target, tmp_path)
    assert done.returncode == 2 and not summary
    assert done.stderr.strip() == (
        "python -m harness race: unknown adapter 'no-such-adapter': name one of ['django-appointment', "
        "'reference'] or an importable module:Class; set \"adapter\" in the target file (or HARNESS_ADAPTER)"
    )


def test_a_command_not_yet_through_adapters_refuses_another_adapters_target(tmp_path: Path) -> None:
    """The property machines in live mode speak the reference API themselves: a target of
    another adapter ends their session in one line, before anything is sent or started."""
    target = Target(base_url=f"http://127.0.0.1:{free_port()}", adapter=OWN_ADAPTER)
    target_file = tmp_path / "target.json"
    target_file.write_text(json.dumps(target.to_json()))
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    command = [sys.executable, "-m", "pytest", "properties/test_lifecycle_machine.py", "-q"]
    done = subprocess.run(
        [*command, *PROPERTIES_SESSION_OPTIONS, "--target-file", str(target_file)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert f"the target names the adapter '{OWN_ADAPTER}', and this command does not run through" in output
    assert "Traceback" not in output and " passed" not in output
