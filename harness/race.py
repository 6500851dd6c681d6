"""A race through any adapter: N clients book one free slot at the same instant, round after
round; then the system's final state is audited.

Each round prepares N bookings (every step up to the request that commits, in N threads),
then releases every `commit()` together from behind a `threading.Barrier`, so the race is as
tight against a multi-step flow as against a one-request API. The spread of the instants the
commits were released at is reported ("spread of the racers' final writes").

The verdict (harness/exit_codes.py): FAIL when the final state holds more occupying bookings
at one instant of a calendar than the capacity allows (the shared sweep,
harness/overbooking.py), when a slot acknowledged more bookings than its capacity, or when an
acknowledged booking is missing from the final state; NO VERDICT when nothing was judged (no
free slot to race for, nothing booked); PASS otherwise.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from harness.exit_codes import NOT_JUDGED, PASSED, TARGET_FAILED, CannotJudge
from harness.model import (
    Booked,
    BookingSystem,
    Capability,
    Client,
    FinalState,
    Interval,
    MissingCapability,
    Outcome,
    ProposesSlots,
    Refused,
    Service,
    Slot,
    require,
)
from harness.overbooking import Occupancy, find_overbookings

LOOKAHEAD_DAYS = 30
RACING_ROLES = ("standard", "workshop", "consultation", "callout")


@dataclass(frozen=True)
class Attempt:
    client: Client
    outcome: Outcome
    released_at: float  # time.perf_counter() when its commit was released


@dataclass(frozen=True)
class Round:
    number: int
    service: Service
    slot: Slot
    attempts: tuple[Attempt, ...]

    @property
    def booked(self) -> list[Attempt]:
        return [a for a in self.attempts if isinstance(a.outcome, Booked)]

    @property
    def spread_s(self) -> float:
        released = [a.released_at for a in self.attempts]
        return max(released) - min(released) if released else 0.0

    def count(self, kind: str) -> int:
        return sum(1 for a in self.attempts if a.outcome.kind == kind)


@dataclass(frozen=True)
class Overbooked:
    """A slot that held (or acknowledged) more bookings than its capacity, with the evidence."""

    calendar: str
    interval: Interval
    capacity: int
    booking_ids: tuple[str, ...]
    clients: tuple[str, ...]
    evidence: str  # "final state" or "acknowledgements"

    def line(self) -> str:
        return (
            f"{self.interval.start.isoformat()}..{self.interval.end.isoformat()}"
            f"{f' on {self.calendar}' if self.calendar else ''}: {len(self.booking_ids)} bookings for "
            f"capacity {self.capacity} ({self.evidence}): "
            + ", ".join(f"{b} ({c})" for b, c in zip(self.booking_ids, self.clients, strict=True))
        )


@dataclass(frozen=True)
class Verdict:
    exit_code: int
    headline: str
    overbooked: tuple[Overbooked, ...] = ()
    missing: tuple[str, ...] = ()  # acknowledged bookings absent from the final state
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def word(self) -> str:
        return {PASSED: "PASS", TARGET_FAILED: "FAIL"}.get(self.exit_code, "NO VERDICT")


def _free(slots: Sequence[Slot], capacity: int, after: datetime) -> list[Slot]:
    """Slots nobody holds yet, each overlapping no other picked one."""
    picked: list[Slot] = []
    for slot in sorted(slots, key=lambda s: s.interval.start):
        whole = slot.remaining is None or slot.remaining >= capacity
        clear = not picked or picked[-1].interval.end <= slot.interval.start
        if whole and clear and slot.interval.start > after:
            picked.append(slot)
    return picked


def free_slots(system: BookingSystem, service: Service, now: datetime) -> list[Slot]:
    first = now.date() + timedelta(days=1)
    last = first + timedelta(days=LOOKAHEAD_DAYS)
    if Capability.AVAILABILITY in system.capabilities:
        slots = system.availability(service.id, first, last)
    elif isinstance(system, ProposesSlots):
        slots = system.candidate_slots(service.id, first, last)
    else:
        raise CannotJudge(
            f"{system.name} neither lists availability nor proposes slots (candidate_slots): the race "
            "cannot pick a slot"
        )
    return _free(slots, service.capacity, now)


def pick_service(system: BookingSystem, role: str | None) -> Service:
    services = system.services()
    if role is not None:
        if role not in services:
            raise CannotJudge(
                f"the target names no service for the role {role!r} (it names {sorted(services)})"
            )
        return services[role]
    for candidate in (*RACING_ROLES, *sorted(services)):
        if candidate in services:
            return services[candidate]
    raise CannotJudge('the target names no service to race for: add one to "services" in the target file')


def race_round(
    system: BookingSystem, number: int, service: Service, slot: Slot, clients: Sequence[Client]
) -> Round:
    """Prepare one booking per client in its own thread, then release every commit at once."""
    barrier = threading.Barrier(len(clients))
    attempts: list[Attempt | None] = [None] * len(clients)
    errors: list[BaseException] = []

    def racer(index: int, client: Client) -> None:
        try:
            prepared = system.prepare_booking(service.id, slot.interval, client)
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
            return
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            return
        released = time.perf_counter()
        try:
            attempts[index] = Attempt(client, prepared.commit(), released)
        except BaseException as exc:  # an adapter's bug: the round cannot be judged
            errors.append(exc)

    threads = [threading.Thread(target=racer, args=(i, c), daemon=True) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return Round(number, service, slot, tuple(a for a in attempts if a is not None))


def run_race(
    system: BookingSystem,
    *,
    clients: int,
    rounds: int,
    role: str | None = None,
    say: Callable[[str], None] = print,
) -> list[Round]:
    require(system, Capability.PUBLIC_BOOKING)
    service = pick_service(system, role)
    slots = free_slots(system, service, datetime.now(UTC))[:rounds]
    run_id = uuid.uuid4().hex[:8]
    done: list[Round] = []
    for number, slot in enumerate(slots, start=1):
        racers = [
            Client(name=f"Racer {number}-{i}", email=f"race-{run_id}-{number}-{i}@harness.example.com")
            for i in range(clients)
        ]
        result = race_round(system, number, service, slot, racers)
        say(
            f"round {number}: {slot.interval.start.isoformat()} of {service.name!r} (capacity "
            f"{service.capacity}), {len(racers)} racers: {len(result.booked)} booked, "
            f"{result.count('refused')} refused, {result.count('unknown')} unknown; spread of the "
            f"racers' final writes {result.spread_s * 1000:.2f} ms"
        )
        done.append(result)
    return done


def audit_window(rounds: Sequence[Round]) -> tuple[date, date]:
    starts = [r.slot.interval.start.date() for r in rounds]
    ends = [r.slot.interval.end.date() for r in rounds]
    return min(starts) - timedelta(days=1), max(ends) + timedelta(days=1)


def judge(rounds: Sequence[Round], final: FinalState | None) -> Verdict:
    """The verdict on the rounds' outcomes and the final state (None: not readable)."""
    booked = [(r, a) for r in rounds for a in r.booked]
    if not rounds:
        return Verdict(NOT_JUDGED, "nothing was judged: no free slot to race for")
    if not booked:
        return Verdict(NOT_JUDGED, "nothing was judged: no racer's booking was accepted")
    found = [_over_acknowledged(r) for r in rounds if len(r.booked) > r.service.capacity]
    notes = [f"{sum(r.count('unknown') for r in rounds)} commits without a trusted answer (unknown)"]
    missing: list[str] = []
    if final is None:
        notes.append(f"the final state was not read ({Capability.FINAL_STATE.value} missing)")
    else:
        found += _overbooked_in(final)
        held = {b.booking_id for b in final.bookings}
        missing = [a.outcome.booking_id for _, a in booked if isinstance(a.outcome, Booked)]
        missing = [booking_id for booking_id in missing if booking_id not in held]
    if found or missing:
        slots = len({(o.calendar, o.interval) for o in found})
        headline = (
            f"{slots} over-booked slot(s) ({len(found)} finding(s) with their evidence), "
            f"{len(missing)} acknowledged booking(s) missing"
        )
        return Verdict(TARGET_FAILED, headline, tuple(found), tuple(missing), tuple(notes))
    if final is None:
        return Verdict(
            NOT_JUDGED,
            "no over-booking acknowledged, but the final state cannot be read",
            (),
            (),
            tuple(notes),
        )
    taken = sum(
        1
        for r in rounds
        for a in r.attempts
        if isinstance(a.outcome, Refused) and a.outcome.reason == "taken"
    )
    headline = (
        f"{len(booked)} booked over {len(rounds)} round(s), {taken} refused as taken, no slot over capacity"
    )
    return Verdict(PASSED, headline, notes=tuple(notes))


def _over_acknowledged(r: Round) -> Overbooked:
    pairs = [(a.outcome.booking_id, a.client.email) for a in r.booked if isinstance(a.outcome, Booked)]
    return Overbooked(
        r.service.calendar,
        r.slot.interval,
        r.service.capacity,
        tuple(p[0] for p in pairs),
        tuple(p[1] for p in pairs),
        "acknowledgements",
    )


# --8<-- [start:sweep]
def _overbooked_in(final: FinalState) -> list[Overbooked]:
    """The shared sweep, per calendar, over the bookings whose status holds their time."""
    by_calendar: dict[str, list[Occupancy]] = defaultdict(list)
    records = {b.booking_id: b for b in final.bookings}
    for b in final.bookings:
        if b.occupies:
            by_calendar[b.calendar].append(
                Occupancy(b.booking_id, b.interval.start, b.interval.end, b.capacity)
            )
    found = []
    for calendar, occupancies in sorted(by_calendar.items()):
        for breach in find_overbookings(occupancies):
            found.append(
                Overbooked(
                    calendar,
                    Interval(breach.start, breach.end),
                    breach.capacity,
                    breach.job_ids,
                    tuple(records[i].client_email or "?" for i in breach.job_ids),
                    f"final state, {final.read_from}" if final.read_from else "final state",
                )
            )
    return found


# --8<-- [end:sweep]


def final_state_of(system: BookingSystem, rounds: Sequence[Round]) -> FinalState | None:
    if not rounds:
        return None
    try:
        require(system, Capability.FINAL_STATE)
    except MissingCapability:
        return None
    first, last = audit_window(rounds)
    return system.final_state(first, last)
