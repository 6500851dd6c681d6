"""The pre-production checklist against django-appointment, as a user runs it: `python -m
checklists run --target-file F` with the stack's target file. What is true of that app must be
reported: NOT READY (exit 1); the double-booking items and the business-rule item red, naming
the slots and the appointments the app holds on them; every item whose capability the adapter
lacks not applicable, naming the capability (never passed); the browser suites not run (they
skip every test, saying why, when run on their own)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from harness.adapters.django_appointment import DjangoAppointment
from harness.adapters.django_appointment.stack import AppStack
from harness.suite_sessions import E2E_SESSION_OPTIONS
from harness.target import Target

pytestmark = [pytest.mark.slow, pytest.mark.adapter_django]

FAILED = ["testing.no-double-booking", "testing.double-booking-api", "testing.business-rules-api"]
# Each item the adapter cannot serve, and the capability its finding must name.
NOT_APPLICABLE = {
    "infra.env-live-data": "health-report",
    "infra.deployed-version": "health-report",
    "infra.migrations": "health-report",
    "infra.ses-identity": "ses",
    "infra.ses-production-access": "ses",
    "infra.public-app-url": "emails",
    "infra.cors": "cors",
    "testing.critical-path": "pages",
    "testing.transitions": "lifecycle",
    "testing.emails": "pages",
    "testing.mobile": "pages",
    "testing.hostile-text": "pages",
    "testing.browsers": "pages",
    "monitoring.dashboard": "cloudwatch",
    "monitoring.error-alarms": "cloudwatch",
    "monitoring.5xx-alarms": "cloudwatch",
    "monitoring.bounce-complaint": "ses",
}
# "over-booked <start>..<end> on staff:1: N bookings for capacity 1 (<evidence>): 19 (a@...), 20 (b@...)"
OVER_BOOKED = re.compile(
    r"over-booked (\S+)\.\.(\S+) on \S+: (\d+) bookings for capacity 1 \(([^)]*)\): ([^;]+)"
)


@pytest.fixture(scope="module")
def target_file(app: AppStack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("django-checklist") / "target.json"
    path.write_text(json.dumps(app.target_json()))
    return path


@pytest.fixture(scope="module")
def run(target_file: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    report_dir = target_file.parent / "report"
    command = [sys.executable, "-m", "checklists", "run", "--target-file", str(target_file),
               "--race-users", "4", "--report-dir", str(report_dir)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=280, check=False)
    return done, json.loads((report_dir / "readiness.json").read_text())


@pytest.fixture(scope="module")
def system(target_file: Path) -> DjangoAppointment:
    data = json.loads(target_file.read_text())
    return DjangoAppointment.from_target(Target.from_json(data), data["adapterOptions"])


def items(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in report["items"]}


def held(system: DjangoAppointment, start: datetime, end: datetime) -> set[str]:
    """The ids of the appointments the app holds on the interval (its own tables)."""
    state = system.final_state(start.date() - timedelta(days=1), end.date() + timedelta(days=1))
    return {b.booking_id for b in state.bookings if b.interval.start < end and start < b.interval.end}


def test_the_checklist_is_not_ready_and_exits_1_failing_exactly_what_the_app_gets_wrong(
    run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
) -> None:
    done, report = run
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert "NOT READY" in done.stdout and f"  failed: {', '.join(FAILED)}" in done.stdout
    assert report["verdict"] == "NOT READY" and report["failed"] == FAILED
    assert [s["suite"] for s in report["suites"]] == ["harness-race"], (
        "no suite the adapter cannot serve runs"
    )
    assert re.match(r"FAIL: \d+ over-booked slot\(s\)", report["suites"][0]["headline"]), report["suites"]


def test_the_double_booking_items_name_the_slots_and_the_appointments_held_on_them(
    run: tuple[subprocess.CompletedProcess[str], dict[str, Any]], system: DjangoAppointment
) -> None:
    found = items(run[1])
    api = found["testing.double-booking-api"]
    named = OVER_BOOKED.findall(api["summary"])
    assert {evidence for *_, evidence, _ in named} == {"acknowledgements", "final state, database"}, api[
        "summary"
    ]
    for start, end, count, _, bookings in named:
        ids = {entry.split(" (")[0] for entry in bookings.split(", ")}
        assert len(ids) == int(count) > 1
        assert ids <= held(system, datetime.fromisoformat(start), datetime.fromisoformat(end))
    assert any(e["label"] == "over-booked" for e in api["result"]["evidence"])
    race = found["testing.no-double-booking"]
    assert "race through the django-appointment adapter: " in race["summary"]
    assert OVER_BOOKED.search(race["summary"]), race["summary"]
    assert (
        "E2E suite 2 not applicable: the django-appointment adapter does not offer pages" in race["summary"]
    )


def test_the_booking_outside_the_offered_slots_is_red_naming_the_appointment(
    run: tuple[subprocess.CompletedProcess[str], dict[str, Any]], system: DjangoAppointment
) -> None:
    rules = items(run[1])["testing.business-rules-api"]
    asked = rules["result"]["evidence"][0]["detail"]
    start, end = (datetime.fromisoformat(t) for t in asked["asked"].split(".."))
    booking_id = asked["outcome"]["booking_id"]
    assert f"was accepted: booking {booking_id} (booked)" in rules["summary"]
    assert not 9 <= start.astimezone(system.zone).hour < 17, "asked within the working hours"
    assert booking_id in held(system, start, end)


def test_every_item_the_adapter_cannot_serve_is_not_applicable_naming_the_capability(
    run: tuple[subprocess.CompletedProcess[str], dict[str, Any]],
) -> None:
    report = run[1]
    found = items(report)
    for item_id, capability in NOT_APPLICABLE.items():
        assert found[item_id]["status"] == "not applicable", (item_id, found[item_id]["summary"])
        assert f"the django-appointment adapter does not offer {capability}" in found[item_id]["summary"]
    assert set(report["notApplicable"]) == set(NOT_APPLICABLE)
    passed = {i for i, item in found.items() if item["status"] == "passed"}
    assert passed == {"monitoring.rollback-procedure"}, "only the repository's own document can pass"


def test_the_browser_suites_skip_every_test_saying_the_adapter_has_no_pages(
    target_file: Path, tmp_path: Path
) -> None:
    command = [sys.executable, "-m", "pytest", "e2e", "-m", "suite1 or suite2", *E2E_SESSION_OPTIONS,
               "--target-file", str(target_file), "--e2e-report-dir", str(tmp_path)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    summary = json.loads((tmp_path / "summary.json").read_text())
    cases = [case for suite in summary["suites"] for case in suite["cases"]]
    assert cases and {case["outcome"] for case in cases} == {"skipped"}
    assert {case["reason"] for case in cases} == {
        "not applicable: the django-appointment adapter does not offer pages (the booking page and "
        "calendar of the page contract the browser suites drive)"
    }
