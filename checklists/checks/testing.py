"""Testing items: each reads the verdict of the harness suite that proves it (see suites.py).
A suite whose capability the target's adapter lacks is not run: its part of an item is not
applicable, naming the capability (the browser suites need `pages`, the lifecycle machine
`lifecycle`, the race `public-booking`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from checklists.checks.double_booking import judge_harness_race
from checklists.checks.registry import check
from checklists.context import CheckContext
from checklists.model import CheckResult, Evidence, Item, Outcome, judged
from checklists.suites import HARNESS_RACE, SuitePlan, SuiteRun
from harness.adapters import REFERENCE
from harness.model import Capability
from harness.target import Target

# Which checks need which suites besides the E2E suites named in their params.
NEEDS_LOAD_RACE = frozenset({"no_double_booking"})
NEEDS_LIFECYCLE = frozenset({"lifecycle_transitions"})
# What each suite needs of the target's adapter.
E2E_NEEDS = Capability.PAGES
LIFECYCLE_NEEDS = Capability.LIFECYCLE
RACE_NEEDS = Capability.PUBLIC_BOOKING


def e2e_suites_of(item: Item) -> set[int]:
    numbers = item.params.get("suites", [])
    if "suite" in item.params:
        numbers = [*numbers, item.params["suite"]]
    return {int(n) for n in numbers}


def plan_for(
    items: Iterable[Item], capabilities: Iterable[Capability] = frozenset(Capability), **options: Any
) -> SuitePlan:
    """Every suite the items need, so each runs once for all of them; none the target's
    adapter lacks the capability for (its items are not applicable)."""
    items, offered = list(items), set(capabilities)
    return SuitePlan(
        e2e_suites=frozenset(n for item in items for n in e2e_suites_of(item))
        if E2E_NEEDS in offered
        else frozenset(),
        load_race=RACE_NEEDS in offered and any(item.check in NEEDS_LOAD_RACE for item in items),
        lifecycle=LIFECYCLE_NEEDS in offered and any(item.check in NEEDS_LIFECYCLE for item in items),
        **options,
    )


def race_tool_for(target: Target) -> str:
    """The race the double-booking item reads: the Locust race (`python -m load run`) for the
    reference API, the race through the target's adapter (`python -m harness race`) for any
    other adapter."""
    return "locust" if target.adapter == REFERENCE else HARNESS_RACE


def _run_evidence(run: SuiteRun, extra: Any = None) -> Evidence:
    detail = run.evidence()
    if extra is not None:
        detail["verdict"] = extra
    return Evidence(f"{run.name} run", detail)


def _suite_entry(summary: Mapping[str, Any], number: int) -> Mapping[str, Any] | None:
    return next((s for s in summary.get("suites", []) if s.get("suite") == number), None)


def judge_e2e(run: SuiteRun, numbers: Sequence[int]) -> CheckResult:
    """Each named suite ran, none of its cases failed, and at least one passed."""
    if run.summary is None:
        return CheckResult.failed(f"E2E gave no verdict: {run.error}", _run_evidence(run))
    failures: list[str] = []
    skipped: list[str] = []
    parts: list[str] = []
    shown: list[Any] = []
    for number in sorted(numbers):
        entry = _suite_entry(run.summary, number)
        if entry is None:
            failures.append(f"E2E suite {number} did not run")
            continue
        cases = entry.get("cases", [])
        shown.append({k: entry.get(k) for k in ("suite", "name", "passed", "failed", "skipped")})
        bad = [c for c in cases if c.get("outcome") == "failed"]
        if bad or entry.get("failed", 0):
            failures.append(
                f"E2E suite {number} ({entry.get('name')}): {entry.get('failed', len(bad))} failed"
            )
            shown.extend(
                {"failed": c.get("test"), "case": c.get("case"), "reason": c.get("reason")} for c in bad
            )
        elif not entry.get("passed", 0):
            reasons = sorted({str(c.get("reason")) for c in cases if c.get("outcome") == "skipped"})
            skipped.append(f"E2E suite {number}: every case skipped ({'; '.join(reasons) or 'no reason'})")
        else:
            parts.append(f"suite {number}: {entry['passed']} passed")
    evidence = _run_evidence(run, shown)
    if failures:
        return CheckResult.failed("; ".join(failures), evidence)
    if skipped:
        return CheckResult.skipped("; ".join(skipped), evidence)
    return CheckResult.passed("E2E " + ", ".join(parts), evidence)


def judge_load_race(run: SuiteRun) -> CheckResult:
    """The race's gates and audit passed: no double-booking, no lost or phantom booking."""
    if run.summary is None:
        return CheckResult.failed(f"the load race gave no verdict: {run.error}", _run_evidence(run))
    verdict = run.summary.get("verdict") or {}
    checks = {c.get("name"): c for c in verdict.get("checks", [])}
    failed_checks = [c for c in checks.values() if not c.get("ok") and not c.get("informational")]
    breaches = [g for g in run.summary.get("gates", []) if not g.get("ok") and g.get("judged", True)]
    if run.summary.get("result") == "NO VERDICT" and not breaches and not failed_checks:
        # The race tested nothing (e.g. no free slot, nothing acknowledged): not judged, not failed.
        reason = run.summary.get("noVerdictReason") or "nothing was judged"
        return CheckResult(Outcome.ERROR, f"the load race gave no verdict: {reason}", [_run_evidence(run)])
    shown = {
        "passed": run.summary.get("passed"),
        "auditOk": verdict.get("ok"),
        "counts": verdict.get("counts"),
        "failedChecks": [{k: c.get(k) for k in ("name", "count", "evidence")} for c in failed_checks],
        "breachedGates": breaches,
    }
    evidence = _run_evidence(run, shown)
    failures = [f"audit check {c.get('name')}: {c.get('count')}" for c in failed_checks]
    failures += [f"gate {g.get('name')}: {g.get('measured')} (limit {g.get('limit')})" for g in breaches]
    if not verdict:
        failures.append(f"no audit verdict ({run.summary.get('auditError')})")
    if run.summary.get("passed") is not True and not failures:
        failures.append("the race did not pass")
    booked = (verdict.get("counts") or {}).get("book:ok", 0)
    return judged(failures, f"load race audited: {booked} bookings, none double-booked or lost", [evidence])


def judge_race(run: SuiteRun) -> CheckResult:
    """The Locust race's verdict, or the race through the adapter's (see race_tool_for)."""
    return judge_harness_race(run) if run.name == HARNESS_RACE else judge_load_race(run)


def judge_lifecycle(run: SuiteRun) -> CheckResult:
    if run.summary is None:
        return CheckResult.failed(f"the lifecycle machine gave no verdict: {run.error}", _run_evidence(run))
    counts = run.summary
    evidence = _run_evidence(run, counts)
    if counts["failed"] or run.exit_code not in (0, None):
        names = counts.get("failures") or [f"pytest exit code {run.exit_code}"]
        return CheckResult.failed(f"lifecycle machine failed: {names}", evidence)
    if not counts["passed"]:
        return CheckResult.skipped(f"lifecycle machine skipped: {counts.get('skipReasons')}", evidence)
    return CheckResult.passed(f"lifecycle machine: {counts['passed']} passed", evidence)


# The first of these that any part has is the whole item's outcome; passed only when all passed.
_PRECEDENCE = (
    Outcome.FAILED,
    Outcome.ERROR,
    Outcome.CANNOT_CHECK_HERE,
    Outcome.NOT_APPLICABLE,
    Outcome.SKIPPED,
)


def combined(results: Sequence[CheckResult]) -> CheckResult:
    """Failed if any part failed, else the part that kept it from passing (an error, this
    machine's means, a capability the adapter lacks, a skip); passed only when every part
    passed. All evidence kept."""
    evidence = [e for r in results for e in r.evidence]
    summary = "; ".join(r.summary for r in results)
    for outcome in _PRECEDENCE:
        if any(r.outcome is outcome for r in results):
            return CheckResult(outcome, summary, evidence)
    return CheckResult(Outcome.PASSED, summary, evidence)


def judge_named_cases(run: SuiteRun, names: Sequence[str]) -> CheckResult:
    """Each named test ran and passed: an item about one check within a suite shows that
    check's own outcome in its evidence, whatever else the suite holds."""
    if run.summary is None:
        return CheckResult.failed(f"E2E gave no verdict: {run.error}", _run_evidence(run))
    cases = [c for s in run.summary.get("suites", []) for c in s.get("cases", [])]
    failures: list[str] = []
    skipped: list[str] = []
    shown: list[dict[str, Any]] = []
    for name in names:
        ran = [c for c in cases if str(c.get("test", "")).split("::")[-1].split("[")[0] == name]
        shown.extend({k: c.get(k) for k in ("test", "case", "outcome", "reason")} for c in ran)
        if not ran:
            failures.append(f"{name} did not run")
        elif any(c.get("outcome") == "failed" for c in ran):
            reason = next(c.get("reason") for c in ran if c.get("outcome") == "failed")
            failures.append(f"{name} failed: {reason}")
        elif all(c.get("outcome") == "skipped" for c in ran):
            skipped.append(f"{name} skipped: {ran[0].get('reason')}")
    evidence = Evidence(f"{run.name} cases", {"cases": shown})
    if failures:
        return CheckResult.failed("; ".join(failures), evidence)
    if skipped:
        return CheckResult.skipped("; ".join(skipped), evidence)
    return CheckResult.passed(f"{len(names)} named case(s) passed", evidence)


@check("e2e_suites", needs=[E2E_NEEDS])
def e2e_suites(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    suites = judge_e2e(ctx.suites.e2e(), [int(n) for n in params.get("suites", [])])
    names = [str(n) for n in params.get("cases", [])]
    return combined([suites, judge_named_cases(ctx.suites.e2e(), names)]) if names else suites


def _e2e_part(ctx: CheckContext, numbers: Sequence[int]) -> list[CheckResult]:
    if not numbers:
        return []
    what = f"E2E suite {', '.join(str(n) for n in numbers)}"
    return [ctx.not_applicable(E2E_NEEDS, what=what) or judge_e2e(ctx.suites.e2e(), numbers)]


@check("no_double_booking", needs=[RACE_NEEDS])
def no_double_booking(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    parts = _e2e_part(ctx, [int(n) for n in params.get("suites", [])])
    return combined([*parts, judge_race(ctx.suites.load_race())])


@check("lifecycle_transitions")
def lifecycle_transitions(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    parts = _e2e_part(ctx, [int(n) for n in params.get("suites", [])])
    machine = ctx.not_applicable(LIFECYCLE_NEEDS, what="the lifecycle machine")
    return combined([*parts, machine or judge_lifecycle(ctx.suites.lifecycle())])


def judge_engines(run: SuiteRun, number: int, minimum: int) -> CheckResult:
    """Suite `number` passed on at least `minimum` browser engines, read from the suite's
    `byEngine` in the E2E summary (e2e/report.py). An engine the machine lacks (`absent`) is
    not the target's failure: short of engines because of that, the item cannot be checked on
    this machine, and says what to install."""
    if run.summary is None:
        return CheckResult.failed(f"E2E gave no verdict: {run.error}", _run_evidence(run))
    entry = _suite_entry(run.summary, number)
    if entry is None:
        return CheckResult.failed(f"E2E suite {number} did not run", _run_evidence(run))
    by_engine: Mapping[str, Mapping[str, Any]] = entry.get("byEngine") or {}
    passing = sorted(e for e, c in by_engine.items() if c.get("passed") and not c.get("failed"))
    failing = sorted(e for e, c in by_engine.items() if c.get("failed"))
    absent = {e: str(c["absent"]) for e, c in sorted(by_engine.items()) if c.get("absent")}
    evidence = _run_evidence(run, {"browsers": run.summary.get("browser"), "byEngine": by_engine})
    if failing:
        return CheckResult.failed(f"E2E suite {number} failed on {', '.join(failing)}", evidence)
    if len(passing) >= minimum:
        return CheckResult.passed(f"E2E suite {number} passed on {', '.join(passing)}", evidence)
    short = (
        f"E2E suite {number} passed on {len(passing)} engine(s) ({', '.join(passing) or 'none'}),"
        f" {minimum} needed"
    )
    if absent and len(passing) + len(absent) >= minimum:
        return CheckResult.cannot_check_here(f"{short}; {'; '.join(absent.values())}", evidence)
    others = [
        f"{e} ({'; '.join(sorted(_skip_reasons(entry, e))) or 'no case passed'})"
        for e in by_engine
        if e not in passing and e not in absent
    ]
    return CheckResult.failed(f"{short}; not passed: {', '.join(others) or 'no engine ran'}", evidence)


def _skip_reasons(entry: Mapping[str, Any], engine: str) -> set[str]:
    return {
        str(c.get("reason"))
        for c in entry.get("cases", [])
        if f"[{engine}]" in str(c.get("test")) and c.get("outcome") != "passed" and c.get("reason")
    }


@check("browser_engines", needs=[E2E_NEEDS])
def browser_engines(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    return judge_engines(ctx.suites.e2e(), int(params.get("suite", 10)), int(params.get("minimum", 2)))
