"""Which way a scenario speaks to the target, and what of it the target's adapter allows.

The reference adapter supplies a Locust-speed client of its own (harness/adapters/
reference_locust.py): against the reference the scenarios send its requests through
FastHttpUser, as fast as a raw HTTP client. Any other adapter (or the reference with
`--through-adapter`) is raced through the model: every step of a booking up to the committing
request in `prepare_booking`, then only `commit()` at the round's instant
(load/scenarios/adapter_race.py).

A part of a scenario whose capability the adapter lacks is dropped and the report says so; a
scenario that cannot run at all without it ends NO VERDICT with one line
"not applicable: <capability>" (exit 2), never a pass. No Locust import here: `python -m load
run` checks this before Locust starts.
"""

from __future__ import annotations

from collections.abc import Iterable

from harness.adapters import adapter_class
from harness.adapters.reference import ReferenceApi
from harness.exit_codes import CannotJudge
from harness.model import BookingSystem, Capability, ProposesSlots
from harness.target import Target

# What the race needs through an adapter: bookings by the public, and the final state to audit.
RACE_NEEDS = (Capability.PUBLIC_BOOKING, Capability.FINAL_STATE)
# What the mix's users do: look up availability, book, and (staff) confirm, decline, cancel.
MIX_NEEDS = (Capability.PUBLIC_BOOKING, Capability.AVAILABILITY, Capability.LIFECYCLE, Capability.FINAL_STATE)
# The race's admin writers create, reschedule, confirm, start, complete and cancel jobs.
ADMIN_WRITER_NEEDS = (Capability.ADMIN_CREATE, Capability.ADMIN_RESCHEDULE, Capability.LIFECYCLE)


class NotApplicable(CannotJudge, ValueError):
    """The scenario needs a capability the target's adapter lacks: no verdict, never a pass."""


def has_reference_client(target: Target) -> bool:
    """The target's adapter is the reference's, whose Locust-speed client the scenarios use."""
    return adapter_class(target.adapter) is ReferenceApi


def _missing(capabilities: Iterable[Capability], needs: Iterable[Capability]) -> list[str]:
    have = set(capabilities)
    return [need.value for need in needs if need not in have]


def check_applicable(system: BookingSystem, scenario: str) -> None:
    """NotApplicable, in one line, when `scenario` cannot run through this adapter."""
    if scenario == "mix":
        missing = _missing(system.capabilities, MIX_NEEDS)
        if missing:
            raise NotApplicable(
                f"not applicable: {', '.join(missing)} ({system.name} does not offer it; the mix's "
                "visitors look up availability and book, its staff confirm, decline and cancel)"
            )
        raise NotApplicable(
            f"not applicable: the mix speaks the reference adapter's Locust client only; {system.name} "
            "can be raced (--scenario race)"
        )
    missing = _missing(system.capabilities, RACE_NEEDS)
    if missing:
        raise NotApplicable(
            f"not applicable: {', '.join(missing)} ({system.name} does not offer it; the race books "
            "as the public and audits the final state)"
        )
    if Capability.AVAILABILITY not in system.capabilities and not isinstance(system, ProposesSlots):
        raise NotApplicable(
            f"not applicable: {Capability.AVAILABILITY.value} ({system.name} neither lists its free slots "
            "nor proposes any: the race cannot pick a slot)"
        )


def dropped_parts(system: BookingSystem) -> list[str]:
    """What the race through this adapter leaves out, and why: one line each, for the report."""
    notes = []
    missing = _missing(system.capabilities, ADMIN_WRITER_NEEDS)
    if missing:
        notes.append(
            f"admin writers: not applicable: {', '.join(missing)} ({system.name} does not offer it); "
            "only the public books in this race"
        )
    else:
        notes.append(
            "admin writers: not run: staff write through the reference adapter's Locust client only; "
            "only the public books in this race"
        )
    if Capability.IDEMPOTENCY_KEYS not in system.capabilities:
        notes.append(
            f"idempotent retries: not applicable: {Capability.IDEMPOTENCY_KEYS.value} "
            f"({system.name} does not offer it); no booking carries a key"
        )
    return notes
