"""Double booking through the target's adapter, at the API: one free slot booked again and
again in a row (one more time than its capacity), and by N clients whose last requests are
released together (harness/race.py's barrier race); then the final state audited. Red, naming
the slot and every booking on it, when the system accepted more than the capacity."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from checklists.applicability import not_applicable
from checklists.checks.registry import check
from checklists.context import CheckContext
from checklists.model import CheckResult, Evidence, Outcome
from checklists.suites import SuiteRun
from harness.exit_codes import PASSED, TARGET_FAILED, CannotJudge
from harness.model import (
    BookingSystem,
    Capability,
    Client,
    FinalState,
    ProposesSlots,
    Service,
    Slot,
    book,
)
from harness.race import Attempt, Round, Verdict, final_state_of, free_slots, judge, pick_service, race_round

AT_ONCE = 8  # clients released together on one slot, unless the item says otherwise


def _clients(tag: str, number: int, count: int) -> list[Client]:
    return [
        Client(f"Checklist {tag} {number}-{i}", f"checklist-{tag}-{number}-{i}@harness.example.com")
        for i in range(count)
    ]


def in_a_row(system: BookingSystem, service: Service, slot: Slot, clients: Sequence[Client]) -> Round:
    """Each client books the slot after the one before has its answer."""
    attempts = []
    for client in clients:
        released = time.perf_counter()
        attempts.append(Attempt(client, book(system, service.id, slot.interval, client), released))
    return Round(1, service, slot, tuple(attempts))


def on_the_slots(final: FinalState | None, rounds: Sequence[Round]) -> FinalState | None:
    """The bookings of the final state that overlap the slots this check booked: what other
    runs did on other slots of those days is not this check's finding."""
    if final is None:
        return None
    slots = [r.slot.interval for r in rounds]
    bookings = [
        b for b in final.bookings if any(b.interval.start < s.end and s.start < b.interval.end for s in slots)
    ]
    return FinalState(tuple(bookings), final.read_from)


def round_evidence(label: str, r: Round) -> Evidence:
    outcomes = [
        {"client": a.client.email, "kind": a.outcome.kind}
        | {k: v for k, v in vars(a.outcome).items() if k in ("booking_id", "status", "code", "why")}
        for a in r.attempts
    ]
    slot = [r.slot.interval.start.isoformat(), r.slot.interval.end.isoformat()]
    return Evidence(
        label, {"service": r.service.name, "capacity": r.service.capacity, "slot": slot, "outcomes": outcomes}
    )


def verdict_result(verdict: Verdict, rounds: Sequence[Round], read_from: str | None) -> CheckResult:
    evidence = [
        round_evidence("booked in a row", rounds[0]),
        *(round_evidence("booked at once", r) for r in rounds[1:]),
    ]
    evidence.append(Evidence("final state", {"readFrom": read_from, "notes": list(verdict.notes)}))
    if verdict.exit_code == TARGET_FAILED:
        evidence.append(Evidence("over-booked", [o.line() for o in verdict.overbooked]))
        found = [f"over-booked {o.line()}" for o in verdict.overbooked]
        found += [f"acknowledged booking {b} is missing from the final state" for b in verdict.missing]
        return CheckResult(Outcome.FAILED, "; ".join(found), evidence)
    if verdict.exit_code == PASSED:
        counts = ", ".join(f"{len(r.booked)} of {len(r.attempts)} booked" for r in rounds)
        return CheckResult(
            Outcome.PASSED, f"never more than the capacity ({counts}): {verdict.headline}", evidence
        )
    return CheckResult(Outcome.ERROR, f"not judged: {verdict.headline}", evidence)


@check("double_booking_api", needs=[Capability.PUBLIC_BOOKING])
def double_booking_api(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    system = ctx.system()
    if Capability.AVAILABILITY not in system.capabilities and not isinstance(system, ProposesSlots):
        return not_applicable(system.name, [Capability.AVAILABILITY], system.capabilities, "choosing a slot")
    try:
        service = pick_service(system, params.get("service_role"))
        slots = free_slots(system, service, datetime.now(UTC))
    except CannotJudge as exc:
        return CheckResult(Outcome.ERROR, f"not judged: {exc}")
    if len(slots) < 2:
        return CheckResult(
            Outcome.ERROR, f"not judged: {len(slots)} free slot(s) of {service.name!r}, 2 needed"
        )
    tag = uuid.uuid4().hex[:6]
    at_once = max(int(params.get("clients", AT_ONCE)), service.capacity + 1)
    rounds = [
        in_a_row(system, service, slots[0], _clients(tag, 1, service.capacity + 1)),
        race_round(system, 2, service, slots[1], _clients(tag, 2, at_once)),
    ]
    final = on_the_slots(final_state_of(system, rounds), rounds)
    verdict = judge(rounds, final)
    if final is None and verdict.exit_code != TARGET_FAILED:
        lacking = ctx.not_applicable(Capability.FINAL_STATE, what="the audit of the final state")
        if lacking is not None:
            lacking.evidence[:0] = verdict_result(verdict, rounds, None).evidence
            return lacking
    return verdict_result(verdict, rounds, final.read_from if final else None)


def _over_line(found: Mapping[str, Any]) -> str:
    start, end = found["interval"]
    named = ", ".join(f"{b} ({c})" for b, c in zip(found["booking_ids"], found["clients"], strict=False))
    calendar = f" on {found['calendar']}" if found.get("calendar") else ""
    return (
        f"{start}..{end}{calendar}: {len(found['booking_ids'])} bookings for capacity {found['capacity']} "
        f"({found['evidence']}): {named}"
    )


def judge_harness_race(run: SuiteRun) -> CheckResult:
    """The verdict of `python -m harness race` (its summary.json): FAIL names the over-booked
    slots with their bookings, PASS passes, NO VERDICT is an error (nothing was judged)."""
    detail = run.evidence()
    if run.summary is None:
        return CheckResult.failed(
            f"the race through the adapter gave no verdict: {run.error}", Evidence(f"{run.name} run", detail)
        )
    summary = run.summary
    detail["verdict"] = {
        k: summary.get(k) for k in ("verdict", "headline", "adapter", "spreadOfFinalWritesMs", "missing")
    }
    over = [_over_line(o) for o in summary.get("overbooked", [])]
    detail["overbooked"] = over
    evidence = Evidence(f"{run.name} run", detail)
    headline = f"race through the {summary.get('adapter')} adapter: {summary.get('headline')}"
    if summary.get("verdict") == "FAIL":
        return CheckResult.failed("; ".join([headline, *(f"over-booked {line}" for line in over)]), evidence)
    if summary.get("verdict") == "PASS":
        return CheckResult.passed(headline, evidence)
    return CheckResult(Outcome.ERROR, f"not judged: {headline}", [evidence])
