"""A booking system in memory, for unit tests of the checks that speak through an adapter (the
real ones run against the reference stack and django-appointment). It offers hourly slots from
09:00 to 17:00 UTC; `guarded` decides whether it refuses a taken slot and a time it does not
offer, as the reference does, or accepts both, as django-appointment does."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from harness.model import (
    Booked,
    BookingRecord,
    Capability,
    Client,
    FinalState,
    Interval,
    Outcome,
    Refused,
    Service,
    Slot,
)

OPENS, CLOSES = 9, 17
STANDARD = Service("svc-1", "Standard", calendar="memory")


@dataclass
class Settled:
    decide: Callable[[], Outcome]

    def commit(self) -> Outcome:
        return self.decide()


@dataclass
class MemorySystem:
    guarded: bool = True
    capabilities: frozenset[Capability] = frozenset(Capability)
    name: str = "memory"
    bookings: list[BookingRecord] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def lacking(cls, missing: Iterable[Capability], guarded: bool = True) -> MemorySystem:
        return cls(guarded, frozenset(Capability) - set(missing))

    def services(self) -> Mapping[str, Service]:
        return {"standard": STANDARD}

    def offered(self, day: date) -> list[Interval]:
        start = datetime(day.year, day.month, day.day, OPENS, tzinfo=UTC)
        return [
            Interval(start + timedelta(hours=h), start + timedelta(hours=h + 1))
            for h in range(CLOSES - OPENS)
        ]

    def availability(self, service_id: str, first: date, last: date) -> Sequence[Slot]:
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        taken = {b.interval for b in self.bookings}
        return [Slot(service_id, i, 1) for d in days for i in self.offered(d) if i not in taken]

    def prepare_booking(
        self, service_id: str, interval: Interval, client: Client, *, idempotency_key: str | None = None
    ) -> Settled:
        return Settled(lambda: self._book(service_id, interval, client))

    def _book(self, service_id: str, interval: Interval, client: Client) -> Outcome:
        with self.lock:
            if self.guarded and interval not in self.offered(interval.start.date()):
                return Refused("rule", "outside_working_hours")
            if self.guarded and any(b.interval == interval for b in self.bookings):
                return Refused("taken", "slot_unavailable")
            record = BookingRecord(
                f"b{len(self.bookings) + 1}", service_id, interval, "booked", True, 1, "memory", client.email
            )
            self.bookings.append(record)
        return Booked(record.booking_id, interval, record.status)

    def final_state(self, first: date, last: date) -> FinalState:
        return FinalState(tuple(self.bookings), read_from="memory")

    def close(self) -> None:
        pass
