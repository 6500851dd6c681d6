"""The model every adapter speaks: intervals refuse nonsense, a missing capability is named,
and `book` is prepare-then-commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from harness.model import (
    Booked,
    BookingSystem,
    Capability,
    Client,
    FinalState,
    Interval,
    MissingCapability,
    Outcome,
    Refused,
    Service,
    Slot,
    book,
    require,
)

START = datetime(2030, 1, 9, 15, 0, tzinfo=UTC)


def test_an_interval_needs_aware_ends_in_order() -> None:
    with pytest.raises(ValueError, match="aware"):
        Interval(START.replace(tzinfo=None), START + timedelta(hours=1))
    with pytest.raises(ValueError, match="end after"):
        Interval(START, START)


@dataclass
class _Prepared:
    steps: list[str]
    answer: Outcome

    def commit(self) -> Outcome:
        self.steps.append("commit")
        return self.answer


@dataclass
class _OneSlotSystem:
    """A system with one place: the first commit books, every later one is refused."""

    name: str = "one-slot"
    capabilities: frozenset[Capability] = frozenset({Capability.PUBLIC_BOOKING})
    steps: list[str] = field(default_factory=list)
    taken: bool = False

    def services(self) -> Mapping[str, Service]:
        return {"standard": Service(id="s1", name="Standard")}

    def availability(self, service_id: str, first: date, last: date) -> Sequence[Slot]:
        return []

    def prepare_booking(
        self, service_id: str, interval: Interval, client: Client, *, idempotency_key: str | None = None
    ) -> _Prepared:
        self.steps.append("prepare")
        answer: Outcome = Refused("taken", "slot_full") if self.taken else Booked("b1", interval, "scheduled")
        self.taken = True
        return _Prepared(self.steps, answer)

    def final_state(self, first: date, last: date) -> FinalState:
        return FinalState()

    def close(self) -> None:
        pass


def test_book_prepares_then_commits() -> None:
    system = _OneSlotSystem()
    assert isinstance(system, BookingSystem)
    interval = Interval(START, START + timedelta(hours=1))
    first = book(system, "s1", interval, Client("Ann", "ann@example.com"))
    second = book(system, "s1", interval, Client("Bo", "bo@example.com"))
    assert system.steps == ["prepare", "commit", "prepare", "commit"]
    assert isinstance(first, Booked) and first.interval == interval
    assert isinstance(second, Refused) and second.reason == "taken"


def test_a_missing_capability_is_named_not_passed() -> None:
    system = _OneSlotSystem()
    require(system, Capability.PUBLIC_BOOKING)
    with pytest.raises(MissingCapability, match="one-slot does not offer admin-reschedule: not applicable"):
        require(system, Capability.ADMIN_RESCHEDULE)
