"""Booking a free slot on the target through its adapter, as a client would: what the email
items start from."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import httpx

from checklists.model import Evidence
from harness.adapters.reference_client import BookingApi
from harness.exit_codes import CannotJudge
from harness.model import Booked as BookedOutcome
from harness.model import BookingSystem, Client, Outcome, Refused, Slot, book

LOOKAHEAD_DAYS = 28
ATTEMPTS = 5


class BookingFailed(RuntimeError):
    def __init__(self, message: str, evidence: list[Evidence]) -> None:
        super().__init__(message)
        self.evidence = evidence


@dataclass(frozen=True)
class Booked:
    job_id: str
    start: str
    evidence: Evidence


def outcome_evidence(label: str, system: BookingSystem, slot: Slot, outcome: Outcome) -> Evidence:
    fields = {k: v for k, v in vars(outcome).items() if k != "interval"}
    return Evidence(
        label,
        {
            "adapter": system.name,
            "service": slot.service_id,
            "start": slot.interval.start.isoformat(),
            **fields,
        },
    )


def book_free_slot(system: BookingSystem, service_id: str, *, name: str, email: str) -> Booked:
    """Book a random free slot of the next four weeks; a slot taken meanwhile means another try."""
    first = date.today() + timedelta(days=1)
    try:
        listed = system.availability(service_id, first, first + timedelta(days=LOOKAHEAD_DAYS))
    except CannotJudge as exc:
        raise BookingFailed(
            f"availability: {exc}", [Evidence("availability", {"service": service_id, "error": str(exc)})]
        ) from None
    slots = [s for s in listed if s.remaining is None or s.remaining > 0]
    if not slots:
        listing = Evidence("availability", {"service": service_id, "from": str(first), "slots": len(listed)})
        raise BookingFailed("no free slot in the next four weeks", [listing])
    tried: list[Evidence] = []
    for slot in random.sample(slots, min(ATTEMPTS, len(slots))):
        outcome = book(system, service_id, slot.interval, Client(name, email))
        evidence = outcome_evidence(f"booking for {email}", system, slot, outcome)
        if isinstance(outcome, BookedOutcome):
            return Booked(outcome.booking_id, slot.interval.start.isoformat(), evidence)
        tried.append(evidence)
        if not isinstance(outcome, Refused):
            break
    raise BookingFailed(f"no booking for {email} succeeded", tried)


def cancel_quietly(api: BookingApi, job_id: str) -> None:
    """Leave the reference's calendar as it was; a failure here does not change the verdict."""
    try:
        api.act(job_id, "cancel", "pre-production checklist clean-up")
    except httpx.HTTPError:
        pass
