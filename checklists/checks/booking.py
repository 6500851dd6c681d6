"""Booking a free slot on the target, as a client would: what the email items start from."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import httpx

from checklists.checks.evidence import http_exchange
from checklists.model import Evidence
from harness.adapters.reference_client import BookingApi

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


def book_free_slot(api: BookingApi, service_id: str, *, name: str, email: str) -> Booked:
    """Book a random free slot of the next four weeks; a slot taken meanwhile means another try."""
    first = date.today() + timedelta(days=1)
    answer = api.availability(service_id, first, first + timedelta(days=LOOKAHEAD_DAYS))
    if answer.status_code != 200:
        raise BookingFailed(
            f"availability answered {answer.status_code}", [http_exchange("availability", answer)]
        )
    slots = [s["startTime"] for s in answer.json().get("slots", []) if s.get("remaining", 0) > 0]
    if not slots:
        raise BookingFailed("no free slot in the next four weeks", [http_exchange("availability", answer)])
    tried: list[Evidence] = []
    for start in random.sample(slots, min(ATTEMPTS, len(slots))):
        response = api.book(service_id, start, name=name, email=email)
        if response.status_code == 201:
            return Booked(
                response.json()["job"]["id"], start, http_exchange(f"booking for {email}", response)
            )
        tried.append(http_exchange(f"booking for {email}", response))
        if response.status_code not in (409, 422):
            break
    raise BookingFailed(f"no booking for {email} succeeded", tried)


def cancel_quietly(api: BookingApi, job_id: str) -> None:
    """Leave the target's calendar as it was; a failure here does not change the verdict."""
    try:
        api.act(job_id, "cancel", "pre-production checklist clean-up")
    except httpx.HTTPError:
        pass
