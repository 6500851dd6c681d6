"""Business rules through the target's adapter: a booking at a time the service does not offer
must be refused. The time asked for is the middle of the longest stretch between the slots the
adapter offers over a week (for a service with working hours: the night, around 01:00 local
time). Red, naming the booking, when the system accepts it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from checklists.applicability import not_applicable
from checklists.checks.registry import check
from checklists.context import CheckContext
from checklists.model import CheckResult, Evidence, Outcome
from harness.exit_codes import CannotJudge
from harness.model import Booked, Capability, Client, Interval, ProposesSlots, Refused, Slot, book
from harness.race import pick_service

FIRST_DAY = 2  # days from today: clear of any minimum notice
DAYS = 7


def unoffered(slots: Sequence[Slot]) -> tuple[Interval, Slot, Slot] | None:
    """A slot-long interval on the hour in the middle of the longest stretch between two offered
    slots, with the slots on either side; None when no stretch holds one."""
    ordered = sorted(slots, key=lambda s: s.interval.start)
    if len(ordered) < 2:
        return None
    length = ordered[0].interval.end - ordered[0].interval.start
    before, after = max(pairwise(ordered), key=lambda p: p[1].interval.start - p[0].interval.end)
    gap_start, gap_end = before.interval.end, after.interval.start
    start = (gap_start + (gap_end - gap_start) / 2).replace(minute=0, second=0, microsecond=0)
    if start < gap_start or start + length > gap_end:
        return None
    return Interval(start, start + length), before, after


def _listed(ctx: CheckContext, service_id: str, first: date, last: date) -> Sequence[Slot] | CheckResult:
    system = ctx.system()
    if Capability.AVAILABILITY in system.capabilities:
        return system.availability(service_id, first, last)
    if isinstance(system, ProposesSlots):
        return system.candidate_slots(service_id, first, last)
    return not_applicable(
        system.name, [Capability.AVAILABILITY], system.capabilities, "knowing the offered slots"
    )


def _local(interval: Interval, like: Slot) -> str:
    zone = like.interval.start.tzinfo
    return f"{interval.start.astimezone(zone).isoformat()}..{interval.end.astimezone(zone).isoformat()}"


@check("business_rules_api", needs=[Capability.PUBLIC_BOOKING])
def business_rules_api(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    system = ctx.system()
    try:
        service = pick_service(system, str(params.get("service_role", "standard")))
    except CannotJudge as exc:
        return CheckResult(Outcome.ERROR, f"not judged: {exc}")
    first = ctx.today + timedelta(days=FIRST_DAY)
    listed = _listed(ctx, service.id, first, first + timedelta(days=DAYS - 1))
    if isinstance(listed, CheckResult):
        return listed
    found = unoffered(listed)
    if found is None:
        return CheckResult.skipped(
            f"{service.name!r} offers every time of {first} and the {DAYS - 1} days after: nothing outside "
            "its slots to ask for"
        )
    interval, before, after = found
    tag = uuid.uuid4().hex[:6]
    client = Client(f"Checklist {tag} outside", f"checklist-{tag}-outside@harness.example.com")
    outcome = book(system, service.id, interval, client)
    asked = _local(interval, before)
    detail = {
        "service": service.name,
        "asked": asked,
        "offeredBefore": _local(before.interval, before),
        "offeredAfter": _local(after.interval, after),
        "client": client.email,
        "outcome": {"kind": outcome.kind} | {k: v for k, v in vars(outcome).items() if k != "interval"},
    }
    evidence = Evidence("booking outside the offered slots", detail)
    if isinstance(outcome, Refused):
        return CheckResult.passed(
            f"a booking at {asked}, outside the slots {service.name!r} offers, was refused ({outcome.code})",
            evidence,
        )
    if isinstance(outcome, Booked):
        return CheckResult.failed(
            f"a booking at {asked}, outside every slot {service.name!r} offers (nearest: "
            f"{detail['offeredBefore']} and {detail['offeredAfter']}), was accepted: booking "
            f"{outcome.booking_id} ({outcome.status}) for {client.email}",
            evidence,
        )
    return CheckResult.failed(
        f"a booking at {asked}, outside the slots {service.name!r} offers, got no answer to trust "
        f"({outcome.why}): it may have been booked",
        evidence,
    )
