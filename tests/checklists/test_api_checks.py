"""The checks that book through the target's adapter, on a booking system in memory (the real
ones: the reference stack in test_reference_stack.py, django-appointment in tests/adapters/):
double booking in a row and at once, and a booking outside the offered slots, each red with the
slot and the bookings named when the system accepts it; the verdict of the race through the
adapter read from its summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from checklists.checks.business_rules import business_rules_api
from checklists.checks.double_booking import double_booking_api, judge_harness_race
from checklists.model import Outcome
from checklists.suites import HARNESS_RACE, SuiteRun
from harness.model import BookingRecord, Capability
from tests.checklists.conftest import MakeContext
from tests.checklists.memory_system import MemorySystem


def test_a_system_that_double_books_is_red_naming_the_slot_and_the_bookings(
    make_context: MakeContext,
) -> None:
    system = MemorySystem(guarded=False)
    result = double_booking_api(make_context(_system=system), {"clients": 4})
    assert result.outcome is Outcome.FAILED, result.summary
    first, second = system.bookings[0], system.bookings[2]  # the two in a row, then the racers
    assert first.interval == system.bookings[1].interval != second.interval
    assert f"over-booked {first.interval.start.isoformat()}" in result.summary
    assert "2 bookings for capacity 1 (acknowledgements): b1 (" in result.summary
    assert "4 bookings for capacity 1" in result.summary and "(final state, memory)" in result.summary
    assert any(e.label == "over-booked" for e in result.evidence)


def test_a_system_that_refuses_a_taken_slot_passes(make_context: MakeContext) -> None:
    system = MemorySystem()
    result = double_booking_api(make_context(_system=system), {"clients": 4})
    assert result.outcome is Outcome.PASSED, result.summary
    assert "1 of 2 booked, 1 of 4 booked" in result.summary and len(system.bookings) == 2


def test_without_the_final_state_a_clean_run_is_not_applicable(make_context: MakeContext) -> None:
    system = MemorySystem.lacking([Capability.FINAL_STATE])
    result = double_booking_api(make_context(_system=system), {"clients": 3})
    assert result.outcome is Outcome.NOT_APPLICABLE
    assert result.summary == (
        "the audit of the final state not applicable: the memory adapter does not offer final-state"
    )
    assert [e.label for e in result.evidence][:2] == ["booked in a row", "booked at once"]


def test_a_booking_outside_the_offered_slots_accepted_is_red_naming_it(make_context: MakeContext) -> None:
    system = MemorySystem(guarded=False)
    result = business_rules_api(make_context(_system=system), {"service_role": "standard"})
    assert result.outcome is Outcome.FAILED, result.summary
    (booking,) = system.bookings
    assert booking.interval.start.hour not in range(9, 17)
    assert f"was accepted: booking {booking.booking_id} (booked) for {booking.client_email}" in result.summary
    assert f"a booking at {booking.interval.start.isoformat()}" in result.summary


def test_a_booking_outside_the_offered_slots_refused_passes(make_context: MakeContext) -> None:
    result = business_rules_api(make_context(_system=MemorySystem()), {})
    assert result.outcome is Outcome.PASSED, result.summary
    assert result.summary.endswith("was refused (outside_working_hours)")


def test_without_a_list_of_slots_the_business_rule_is_not_applicable(make_context: MakeContext) -> None:
    system = MemorySystem.lacking([Capability.AVAILABILITY])
    result = business_rules_api(make_context(_system=system), {})
    assert result.outcome is Outcome.NOT_APPLICABLE and "does not offer availability" in result.summary
    assert not system.bookings


def race_run(tmp_path: Path, summary: dict[str, Any] | None) -> SuiteRun:
    return SuiteRun(
        HARNESS_RACE,
        ["python", "-m", "harness", "race"],
        tmp_path,
        tmp_path / "output.log",
        1,
        summary=summary,
    )


OVERBOOKED = {
    "interval": ["2026-12-07T12:00:00-05:00", "2026-12-07T13:00:00-05:00"],
    "capacity": 1,
    "booking_ids": ["19", "20"],
    "clients": ["a@example.com", "b@example.com"],
    "evidence": "final state, database",
    "calendar": "staff:1",
}


@pytest.mark.parametrize(
    ("verdict", "outcome"),
    [("FAIL", Outcome.FAILED), ("PASS", Outcome.PASSED), ("NO VERDICT", Outcome.ERROR)],
)
def test_the_race_through_the_adapter_is_judged_from_its_summary(
    tmp_path: Path, verdict: str, outcome: Outcome
) -> None:
    summary = {
        "verdict": verdict,
        "headline": "h",
        "adapter": "memory",
        "overbooked": [OVERBOOKED] * (verdict == "FAIL"),
    }
    result = judge_harness_race(race_run(tmp_path, summary))
    assert result.outcome is outcome
    if verdict == "FAIL":
        assert result.summary == (
            "race through the memory adapter: h; over-booked 2026-12-07T12:00:00-05:00.."
            "2026-12-07T13:00:00-05:00 on staff:1: 2 bookings for capacity 1 (final state, database): "
            "19 (a@example.com), 20 (b@example.com)"
        )


def test_a_race_that_wrote_no_summary_is_red(tmp_path: Path) -> None:
    run = race_run(tmp_path, None)
    run.error = "the race through the adapter wrote no readable summary.json"
    result = judge_harness_race(run)
    assert result.outcome is Outcome.FAILED and "gave no verdict" in result.summary


def test_over_bookings_elsewhere_on_those_days_are_not_this_checks_finding(make_context: MakeContext) -> None:
    system = MemorySystem()
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    late = system.offered(tomorrow)[-1]  # two bookings an earlier run left on one slot
    system.bookings += [BookingRecord(f"old{n}", "svc-1", late, "booked", True, 1, "memory") for n in (1, 2)]
    result = double_booking_api(make_context(_system=system), {"clients": 3})
    assert result.outcome is Outcome.PASSED, result.summary
