"""Testing items read the verdicts of the harness suites. The judging is tested on summaries
shaped as the suites write them; a real Locust race against a service without its concurrency
guard proves the double-booking item turns red on a suite that fails."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from checklists.checks.testing import (
    browser_engines,
    e2e_suites,
    judge_e2e,
    judge_engines,
    judge_lifecycle,
    judge_load_race,
    judge_named_cases,
    plan_for,
)
from checklists.context import CheckContext
from checklists.model import Item, Outcome, Severity
from checklists.suites import SuitePlan, SuiteRun, SuiteRunner, junit_counts
from e2e.report import CaseResult, by_engine
from harness.target import Target


def case(test: str, outcome: str, reason: str = "") -> dict[str, Any]:
    return {"test": test, "case": f"case of {test}", "outcome": outcome, "reason": reason}


def suite(number: int, *cases: dict[str, Any]) -> dict[str, Any]:
    counts = {o: sum(c["outcome"] == o for c in cases) for o in ("passed", "failed", "skipped")}
    return {"suite": number, "name": f"Suite {number}", **counts, "cases": list(cases)}


def e2e_run(tmp_path: Path, *suites: dict[str, Any]) -> SuiteRun:
    summary = {"browser": ["chromium"], "target": "http://127.0.0.1:1", "suites": list(suites)}
    return SuiteRun("e2e", ["pytest", "e2e"], tmp_path, tmp_path / "output.log", 0, 1.0, summary)


def test_a_failing_e2e_case_turns_the_item_red_with_the_case(tmp_path: Path) -> None:
    run = e2e_run(
        tmp_path,
        suite(1, case("e2e/test_a.py::test_book[chromium]", "passed")),
        suite(5, case("e2e/test_b.py::test_confirm[chromium]", "failed", "409 invalid_transition")),
    )
    result = judge_e2e(run, [1, 5])
    assert result.outcome is Outcome.FAILED
    assert result.summary == "E2E suite 5 (Suite 5): 1 failed"
    shown = result.evidence[0].detail["verdict"]
    failing = "e2e/test_b.py::test_confirm[chromium]"
    assert {"failed": failing, "case": f"case of {failing}", "reason": "409 invalid_transition"} in shown


def test_a_suite_that_did_not_run_turns_red_and_all_skipped_is_skipped(tmp_path: Path) -> None:
    run = e2e_run(tmp_path, suite(9, case("e2e/test_m.py::test_phone[chromium]", "skipped", "no admin")))
    assert judge_e2e(run, [6]).summary == "E2E suite 6 did not run"
    skipped = judge_e2e(run, [9])
    assert skipped.outcome is Outcome.SKIPPED and "no admin" in skipped.summary


def test_passing_suites_pass(tmp_path: Path) -> None:
    run = e2e_run(tmp_path, suite(6, case("e2e/test_e.py::test_mail[chromium]", "passed")))
    assert judge_e2e(run, [6]).outcome is Outcome.PASSED


def test_named_cases_show_their_own_outcome(tmp_path: Path) -> None:
    hostile = "e2e/test_suite_07_edge_cases.py::test_hostile_text_in_every_field_is_shown_inert[chromium]"
    reason = "service.description on the public booking page: injected element"
    run = e2e_run(
        tmp_path,
        suite(7, case("e2e/test_x.py::test_dst[chromium]", "passed"), case(hostile, "failed", reason)),
    )
    result = judge_named_cases(run, ["test_hostile_text_in_every_field_is_shown_inert"])
    assert result.outcome is Outcome.FAILED and reason in result.summary
    assert result.evidence[0].detail["cases"][0]["test"] == hostile
    missing = judge_named_cases(run, ["test_hostile_text_reaches_every_email_inert"])
    assert missing.outcome is Outcome.FAILED and "did not run" in missing.summary
    passing = e2e_run(tmp_path, suite(7, case(hostile, "passed")))
    assert (
        judge_named_cases(passing, ["test_hostile_text_in_every_field_is_shown_inert"]).outcome
        is Outcome.PASSED
    )


def test_no_summary_is_a_failure_with_the_reason(tmp_path: Path) -> None:
    run = SuiteRun("e2e", ["pytest"], tmp_path, tmp_path / "output.log", 4, 1.0, None, "no summary.json")
    result = judge_e2e(run, [1])
    assert result.outcome is Outcome.FAILED and "no summary.json" in result.summary


WEBKIT_ABSENT = (
    "webkitgtk cannot run on this machine: no WebKitWebDriver found; install Debian's packages "
    "(apt-get install webkit2gtk-driver xvfb); these tests never download a browser"
)


def engine_suite(
    number: int, outcomes: dict[str, list[str]], absent: dict[str, str] | None = None
) -> dict[str, Any]:
    """A suite entry as e2e/report.py writes it: cases per engine, and its byEngine counts."""
    absent = absent or {}
    results = [
        CaseResult(f"e2e/t.py::test_p{i}[{engine}]", number, "case", outcome, absent.get(engine, ""), engine)
        for engine, cases in outcomes.items()
        for i, outcome in enumerate(cases)
    ]
    entry = suite(number, *(case(r.test, r.outcome, r.reason) for r in results))
    return {**entry, "byEngine": by_engine(results, absent)}


def test_an_engine_this_machine_lacks_cannot_be_checked_here_never_failed(tmp_path: Path) -> None:
    outcomes = {"chromium": ["passed", "passed"], "webkitgtk": ["skipped", "skipped"]}
    run = e2e_run(tmp_path, engine_suite(10, outcomes, {"webkitgtk": WEBKIT_ABSENT}))
    result = judge_engines(run, 10, 2)
    assert result.outcome is Outcome.CANNOT_CHECK_HERE, result.summary
    assert "passed on 1 engine(s) (chromium), 2 needed" in result.summary
    assert "apt-get install webkit2gtk-driver xvfb" in result.summary


def test_one_engine_skipped_for_another_reason_is_not_two(tmp_path: Path) -> None:
    entry = engine_suite(10, {"chromium": ["passed"], "webkitgtk": ["skipped"]})
    entry["cases"][1]["reason"] = "no start left in the business's day"
    result = judge_engines(e2e_run(tmp_path, entry), 10, 2)
    assert result.outcome is Outcome.FAILED
    assert "webkitgtk (no start left in the business's day)" in result.summary


def test_a_failure_on_one_engine_fails_even_when_another_is_absent(tmp_path: Path) -> None:
    outcomes = {"chromium": ["passed", "failed"], "webkitgtk": ["skipped"]}
    run = e2e_run(tmp_path, engine_suite(10, outcomes, {"webkitgtk": WEBKIT_ABSENT}))
    result = judge_engines(run, 10, 2)
    assert result.outcome is Outcome.FAILED and result.summary == "E2E suite 10 failed on chromium"


def test_a_summary_without_engines_is_a_failure(tmp_path: Path) -> None:
    run = e2e_run(tmp_path, suite(10, case("e2e/t.py::test_p", "passed")))
    result = judge_engines(run, 10, 2)
    assert result.outcome is Outcome.FAILED and "no engine ran" in result.summary


def test_two_engines_pass(tmp_path: Path) -> None:
    run = e2e_run(tmp_path, engine_suite(10, {"chromium": ["passed"], "webkitgtk": ["passed", "passed"]}))
    result = judge_engines(run, 10, 2)
    assert result.outcome is Outcome.PASSED and "chromium, webkitgtk" in result.summary


def race_summary(double_booked: int) -> dict[str, Any]:
    check = {
        "name": "double_booking",
        "ok": not double_booked,
        "count": double_booked,
        "informational": False,
    }
    check["evidence"] = [{"slot": "2030-01-10T15:00:00Z", "jobs": ["a", "b"]}] if double_booked else []
    return {
        "passed": not double_booked,
        "gates": [
            {"name": "double bookings", "limit": 0, "measured": double_booked, "ok": not double_booked}
        ],
        "verdict": {"ok": not double_booked, "counts": {"book:ok": 12}, "checks": [check]},
    }


@pytest.mark.parametrize(("double_booked", "outcome"), [(0, Outcome.PASSED), (2, Outcome.FAILED)])
def test_race_summary_judged(tmp_path: Path, double_booked: int, outcome: Outcome) -> None:
    run = SuiteRun("load-race", ["load"], tmp_path, tmp_path / "o.log", 0, 1.0, race_summary(double_booked))
    result = judge_load_race(run)
    assert result.outcome is outcome, result.summary
    if double_booked:
        assert "audit check double_booking: 2" in result.summary


def test_lifecycle_junit_read(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite><testcase classname="properties.test_lifecycle_machine" '
        'name="test_lifecycle"><failure message="boom"/></testcase></testsuite></testsuites>'
    )
    counts = junit_counts(junit)
    assert counts["failed"] == 1 and counts["failures"] == [
        "properties.test_lifecycle_machine::test_lifecycle"
    ]
    run = SuiteRun("lifecycle", ["pytest"], tmp_path, tmp_path / "o.log", 1, 1.0, counts)
    assert judge_lifecycle(run).outcome is Outcome.FAILED


class CountingRunner(SuiteRunner):
    """Records each suite started; writes a summary as the suite would (a unit-test stand-in for
    the subprocess, next to the real race below)."""

    started: list[str]

    def _run(self, name: str, command: list[str], directory: Path) -> SuiteRun:
        self.started.append(name)
        directory.mkdir(parents=True, exist_ok=True)
        cases = [engine_suite(n, {"chromium": ["passed"]}) for n in sorted(self.plan.e2e_suites)]
        (directory / "summary.json").write_text(json.dumps({"browser": ["chromium"], "suites": cases}))
        return SuiteRun(name, command, directory, directory / "output.log", 0, 0.1)


def test_each_suite_runs_once_however_many_items_read_it(tmp_path: Path) -> None:
    items = (
        Item("a", "Testing", "1 and 5", Severity.BLOCKER, "e2e_suites", {"suites": [1, 5]}),
        Item("b", "Testing", "6", Severity.BLOCKER, "e2e_suites", {"suites": [6]}),
        Item("c", "Testing", "10", Severity.BLOCKER, "browser_engines", {"suite": 10, "minimum": 1}),
    )
    plan = plan_for(items)
    assert plan == SuitePlan(e2e_suites=frozenset({1, 5, 6, 10}))
    runner = CountingRunner(plan, tmp_path, tmp_path / "target.json")
    runner.started = []
    context = CheckContext(target=Target(base_url="http://127.0.0.1:9"), report_dir=tmp_path, suites=runner)
    results = [e2e_suites(context, items[0].params), e2e_suites(context, items[1].params)]
    results.append(browser_engines(context, items[2].params))
    assert runner.started == ["e2e"]
    assert [r.outcome for r in results] == [Outcome.PASSED] * 3


def test_suites_run_in_calendar_safe_order_whichever_is_asked_first(tmp_path: Path) -> None:
    """The race fills the shared calendar, so the lifecycle machine (which picks its own times)
    must run before it, even when an item asks for the race first."""
    plan = SuitePlan(e2e_suites=frozenset({2}), load_race=True, lifecycle=True)
    runner = CountingRunner(plan, tmp_path, tmp_path / "target.json")
    runner.started = []
    runner.load_race()
    runner.e2e()
    runner.lifecycle()
    assert runner.started == ["lifecycle", "e2e", "load-race"]


def test_unplanned_suites_are_not_run_first(tmp_path: Path) -> None:
    runner = CountingRunner(SuitePlan(load_race=True), tmp_path, tmp_path / "target.json")
    runner.started = []
    runner.load_race()
    assert runner.started == ["load-race"]


def test_a_suite_that_breaks_shows_the_end_of_its_output(tmp_path: Path) -> None:
    log = tmp_path / "output.log"
    log.write_text("collecting\nerror: unrecognized arguments: --e2e-report-dir\n")
    run = SuiteRun("e2e", ["pytest"], tmp_path, log, 4, 1.0, None, "no summary.json")
    result = judge_e2e(run, [1])
    assert result.evidence[0].detail["logTail"][-1] == "error: unrecognized arguments: --e2e-report-dir"


def test_a_suite_that_hangs_is_stopped_with_its_children(tmp_path: Path) -> None:
    runner = SuiteRunner(SuitePlan(), tmp_path, tmp_path / "target.json", timeout_seconds=1)
    # A shell whose child would outlive it: both must be gone when the run returns.
    marker = tmp_path / "child.pid"
    command = ["sh", "-c", f"sleep 60 & echo $! > {marker}; wait"]
    run = runner._run("e2e", command, tmp_path / "e2e")
    assert run.error == "stopped after 1 s without finishing"
    assert process_ends(int(marker.read_text()))


def process_ends(pid: int, patience: float = 30) -> bool:
    """Whether the process is gone (or only a zombie) soon: a signalled process on a busy machine
    may not have been scheduled to die yet when its parent's wait returns."""
    deadline = time.monotonic() + patience
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
