"""A run that tested nothing never passes: no completed booking attempt, nothing acknowledged,
no requests at all, an audit that could not read the final state or a setup that failed is
NO VERDICT (exit 2); a real breach still fails (exit 1) whatever else was not judged."""

from __future__ import annotations

import dataclasses

from harness.exit_codes import NOT_JUDGED, PASSED, TARGET_FAILED
from load.checker.audit import audit_history
from load.checker.operations import INTERRUPTED, Operation
from load.reports.gates import BOOKING_REQUEST_PREFIX, Gate, GateLimits, StatsRow, audit_gates, latency_gates
from load.reports.report import RunSummary, console_lines, markdown
from tests.load.histories import RUN, book, job, state

BOOK = StatsRow(BOOKING_REQUEST_PREFIX, "POST", 2, 0, 10, 40, 80, 12, 120, 50)
TOTAL = StatsRow("Aggregated", "", 2, 0, 10, 40, 80, 12, 120, 50)
NOTHING = StatsRow("Aggregated", "", 0, 0, 0, 0, 0, 0, 0, 0)


def summary(ops: list[Operation], rows: list[StatsRow], total: StatsRow, **extra: object) -> RunSummary:
    acknowledged = [op for op in ops if op.outcome == "ok" and op.job_id]
    verdict = audit_history(ops, state(*(job(op.job_id or "", op.request_id) for op in acknowledged)), RUN)
    gates = [*latency_gates(rows, total, GateLimits()), *audit_gates(verdict, None, ops, rows, GateLimits())]
    fields: dict[str, object] = {"verdict": verdict, **extra}
    return RunSummary("race", RUN, "t0", "t1", {}, {}, rows, total, gates, **fields)  # type: ignore[arg-type]


def test_a_run_that_booked_and_audited_passes() -> None:
    run = summary([book("a", job="j1"), book("b", "rejected")], [BOOK], TOTAL)
    assert (run.result, run.exit_code, run.passed) == ("PASS", PASSED, True)
    assert "audit verdict: pass over 2 bookings" in "\n".join(console_lines(run))


def test_no_request_at_all_is_no_verdict_and_says_not_judged() -> None:
    run = summary([], [], NOTHING)
    assert (run.result, run.exit_code, run.passed) == ("NO VERDICT", NOT_JUDGED, False)
    lines = "\n".join(console_lines(run))
    assert "[not judged] failure ratio: no requests: not judged" in lines
    assert "[ok]" not in lines.split("GATES:")[1].split("errors in scenario code")[0]
    assert "RESULT: NO VERDICT: p95 latency (all requests): no requests: not judged" in lines
    assert "AUDIT VERDICT: NO VERDICT over 0 booking attempt(s)" in lines


def test_only_interrupted_attempts_is_no_completed_attempt() -> None:
    cut = dataclasses.replace(book("a", "indeterminate"), code=INTERRUPTED)
    run = summary([cut], [], NOTHING)
    assert run.result == "NO VERDICT"
    assert "no booking attempt completed" in (run.no_verdict_reason or "")


def test_nothing_acknowledged_is_no_verdict_not_pass() -> None:
    run = summary([book("a", "rejected"), book("b", "rejected")], [BOOK], TOTAL)
    assert (run.result, run.exit_code) == ("NO VERDICT", NOT_JUDGED)
    assert run.no_verdict_reason == "acknowledged bookings: 0 acknowledged: not judged"
    assert run.to_json()["result"] == "NO VERDICT" and run.to_json()["passed"] is False


def test_a_real_breach_fails_even_when_something_else_was_not_judged() -> None:
    failing = dataclasses.replace(TOTAL, failures=2)
    run = summary([book("a", "rejected"), book("b", "rejected")], [BOOK], failing)
    assert (run.result, run.exit_code) == ("FAIL", TARGET_FAILED)
    assert run.to_json()["noVerdictReason"] is None


def test_a_failed_setup_is_no_verdict_with_its_reason() -> None:
    run = summary([], [], NOTHING, setup_error="no free slot to race for in the coming weeks")
    assert run.result == "NO VERDICT"
    assert console_lines(run)[0] == "SETUP FAILED: no free slot to race for in the coming weeks"
    assert "the run could not start: no free slot" in console_lines(run)[-1]


def test_an_audit_that_could_not_run_is_not_a_target_failure() -> None:
    gates = audit_gates(None, "OperationalError: connection refused", [], [], GateLimits())
    assert [g.judged for g in gates] == [False]
    run = RunSummary(
        "race",
        RUN,
        "t0",
        "t1",
        {},
        {},
        [BOOK],
        TOTAL,
        [*latency_gates([BOOK], TOTAL, GateLimits()), *gates],
        None,
        "x",
    )
    assert run.result == "NO VERDICT"
    assert "| audit | verdict reached |" in markdown(run) and "not judged" in markdown(run)


def test_no_gates_is_never_a_pass() -> None:
    run = RunSummary("race", RUN, "t0", "t1", {}, {}, [], NOTHING, [], None)
    assert run.result == "NO VERDICT"


def test_a_breached_gate_is_marked_and_an_unjudged_one_is_not_a_breach() -> None:
    assert Gate("g", "= 0", "1", ok=False).mark == "BREACH"
    unjudged = Gate("g", "= 0", "no requests: not judged", ok=False, judged=False)
    assert unjudged.mark == "not judged" and not unjudged.breached
