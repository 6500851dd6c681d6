"""The example adapter of the docs (harness/adapters/examples/json_api.py) against the real
reference stack, named in a target file as a user names theirs (`module:Class`): it books,
lists, is refused a taken slot, reads the final state; the race and the checklist's API items
run through it and pass; what it does not declare is not applicable. It stays under 150 lines."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from checklists.runner import RunOptions, run_checklist
from harness.adapters import open_adapter
from harness.adapters.examples import json_api
from harness.adapters.examples.json_api import JsonApiSystem
from harness.model import Booked, Client, Refused, book
from harness.target import Target, local_reference_target
from tests.checklists.conftest import REPO_ROOT, api_checklist

pytestmark = [pytest.mark.slow, pytest.mark.processes]

EXAMPLE = "harness.adapters.examples.json_api:JsonApiSystem"
CHECKLIST = api_checklist(
    "Through the example adapter",
    clients=4,
    extra_items="""[[sections.items]]
id = "infra.migrations"
text = "none pending"
severity = "blocker"
check = "migrations_applied"
""",
)


@pytest.fixture(scope="module")
def target() -> Iterator[Target]:
    with local_reference_target(servers=1) as reference:
        yield replace(reference, adapter=EXAMPLE, database_url=None)


def test_the_example_is_what_a_team_writes_in_under_150_lines() -> None:
    assert len(Path(json_api.__file__).read_text().splitlines()) < 150


def test_it_books_lists_refuses_a_taken_slot_and_reads_the_final_state(target: Target) -> None:
    system = open_adapter(target)
    assert isinstance(system, JsonApiSystem)
    try:
        assert "service(s) found" in system.preflight()
        service = system.services()["standard"]
        first = datetime.now(UTC).date() + timedelta(days=3)
        slot = next(
            s for s in system.availability(service.id, first, first + timedelta(days=7)) if s.remaining
        )
        booked = book(system, service.id, slot.interval, Client("Example one", "example-1@example.com"))
        again = book(system, service.id, slot.interval, Client("Example two", "example-2@example.com"))
        state = system.final_state(slot.interval.start.date(), slot.interval.end.date())
    finally:
        system.close()
    assert isinstance(booked, Booked) and booked.interval == slot.interval, booked
    assert isinstance(again, Refused) and again.reason == "taken", again
    (record,) = [r for r in state.bookings if r.booking_id == booked.booking_id]
    assert record.occupies and record.capacity == service.capacity == 1
    assert record.calendar == service.calendar and record.client_email == "example-1@example.com"


def test_the_race_through_the_example_passes(target: Target, tmp_path: Path) -> None:
    target_file = tmp_path / "target.json"
    target_file.write_text(json.dumps(target.to_json()))
    command = [sys.executable, "-m", "harness", "race", "--target-file", str(target_file), "--clients", "4",
               "--rounds", "2", "--results-dir", str(tmp_path / "race")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "RACE VERDICT: PASS" in done.stdout
    summary = json.loads((tmp_path / "race" / "summary.json").read_text())
    assert summary["adapter"] == "json-api-example" and len(summary["rounds"]) == 2


def test_the_checklist_through_the_example_passes_its_api_items(target: Target, tmp_path: Path) -> None:
    checklist = tmp_path / "checklist.toml"
    checklist.write_text(CHECKLIST)
    options = RunOptions(report_dir=tmp_path / "report", checklist=checklist, repo_root=REPO_ROOT)
    items = {r.item.id: r for r in run_checklist(target, options).items}
    assert items["testing.double-booking-api"].status.value == "passed", items[
        "testing.double-booking-api"
    ].summary
    assert items["testing.business-rules-api"].status.value == "passed", items[
        "testing.business-rules-api"
    ].summary
    migrations = items["infra.migrations"]
    assert migrations.status.value == "not applicable"
    assert migrations.summary == "the json-api-example adapter does not offer health-report"
