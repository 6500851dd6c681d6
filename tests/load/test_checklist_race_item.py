"""The checklist's no-double-booking item on a real Locust race: `python -m load run --scenario
race`, started by the checklist against servers without the guard, turns the item red with the
audit's evidence. A real Locust race on a stack of its own, so it runs in `nox -s load_teeth`."""

from __future__ import annotations

from pathlib import Path

import pytest

from checklists.runner import RunOptions, run_checklist
from harness.target import local_reference_target
from reference_app.faults import fault_env

pytestmark = [pytest.mark.slow, pytest.mark.locust_race]


def test_a_race_that_double_books_turns_the_item_red(tmp_path: Path) -> None:
    """The real thing: `python -m load run --scenario race` against servers without the guard
    and with a slow capacity count."""
    item_checklist = tmp_path / "race.toml"
    item_checklist.write_text(
        '[[sections]]\nname = "Testing"\n[[sections.items]]\nid = "testing.no-double-booking"\n'
        'text = "No double-bookings"\nseverity = "blocker"\ncheck = "no_double_booking"\n'
    )
    # No locks, and a slow database between the count and the write: every two clients on one
    # slot within half a second double-book it, so the race breaches by construction, not by
    # luck of timing on a busy machine (an unguarded run without the pause once booked 50 clean).
    broken = fault_env("race_guard_off", "race_slow_capacity_count")
    with local_reference_target(servers=2, env=broken) as target:
        options = RunOptions(
            report_dir=tmp_path / "report",
            checklist=item_checklist,
            race_users=40,
            race_duration="10s",
            repo_root=Path(__file__).resolve().parents[2],
        )
        report = run_checklist(target, options)
    [item] = report.items
    assert item.status.value == "failed", item.summary
    # The race's admin writers may cancel one of the pair before the end: the breach is then seen
    # in the history (overbooked during the run) rather than in the final state; either is red.
    overbooking_checks = {"double_booking", "overbooked_during_run"}
    assert any(f"audit check {name}" in item.summary for name in overbooking_checks), item.summary
    assert item.result is not None
    verdict = item.result.evidence[0].detail["verdict"]
    breaches = [c for c in verdict["failedChecks"] if c["name"] in overbooking_checks]
    assert breaches and all(c["count"] >= 1 and c["evidence"] for c in breaches)
    assert not report.verdict.ready
    assert (tmp_path / "report" / "load-race" / "locust_stats_history.csv").exists()
    assert set(report.plots) == {"Latency over time", "Latency distribution"}
