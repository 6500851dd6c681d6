"""The race's verdict on hand-made outcomes and final states (the real race against the
reference service and its broken variant: tests/integration/test_adapter_race.py)."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from harness.exit_codes import NOT_JUDGED, PASSED, TARGET_FAILED, CannotJudge
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
    Unknown,
)
from harness.race import Attempt, Round, free_slots, judge, race_round, run_race
from harness.race_report import markdown, summary

START = datetime(2030, 3, 4, 10, 0, tzinfo=UTC)
HOUR = Interval(START, START + timedelta(hours=1))
NEXT_HOUR = Interval(START + timedelta(hours=1), START + timedelta(hours=2))
STANDARD = Service("s1", "Standard", capacity=1, calendar="Salon")
WORKSHOP = Service("w1", "Workshop", capacity=3, calendar="Salon")


def client(n: int) -> Client:
    return Client(f"Racer {n}", f"racer-{n}@harness.example.com")


def a_round(service: Service, interval: Interval, *outcomes: Outcome) -> Round:
    attempts = tuple(Attempt(client(i), o, released_at=100.0 + i / 1000) for i, o in enumerate(outcomes))
    return Round(1, service, Slot(service.id, interval), attempts)


def record(
    booking_id: str,
    interval: Interval = HOUR,
    *,
    occupies: bool = True,
    service_id: str = "s1",
    capacity: int = 1,
    calendar: str = "Salon",
) -> BookingRecord:
    status = "scheduled" if occupies else "cancelled"
    email = f"{booking_id}@harness.example.com"
    return BookingRecord(booking_id, service_id, interval, status, occupies, capacity, calendar, email)


TAKEN = Refused("taken", "slot_unavailable")


def test_one_booking_per_place_and_the_rest_refused_passes() -> None:
    rounds = [a_round(STANDARD, HOUR, Booked("b1", HOUR, "scheduled"), TAKEN, TAKEN)]
    verdict = judge(rounds, FinalState((record("b1"),), "database"))
    assert verdict.exit_code == PASSED and verdict.word == "PASS"
    assert "1 booked over 1 round(s), 2 refused as taken" in verdict.headline


def test_two_occupying_bookings_of_one_place_fail_named_with_their_clients() -> None:
    rounds = [a_round(STANDARD, HOUR, Booked("b1", HOUR, "scheduled"), TAKEN)]
    verdict = judge(rounds, FinalState((record("b1"), record("b2"), record("b3", NEXT_HOUR)), "database"))
    assert verdict.exit_code == TARGET_FAILED
    [found] = verdict.overbooked
    assert found.booking_ids == ("b1", "b2") and found.capacity == 1
    assert found.clients == ("b1@harness.example.com", "b2@harness.example.com")
    assert found.evidence == "final state, database" and "b2 (b2@harness.example.com)" in found.line()
    assert verdict.headline.startswith("1 over-booked slot(s) (1 finding(s) with their evidence)")


def test_more_acknowledgements_than_places_is_evidence_on_its_own() -> None:
    """Even when the final state (say, a later clean-up) shows one booking only."""
    rounds = [a_round(STANDARD, HOUR, Booked("b1", HOUR, "scheduled"), Booked("b2", HOUR, "scheduled"))]
    verdict = judge(rounds, FinalState((record("b1"), record("b2", occupies=False))))
    assert verdict.exit_code == TARGET_FAILED
    [found] = verdict.overbooked
    assert found.evidence == "acknowledgements" and found.booking_ids == ("b1", "b2")
    assert found.clients == ("racer-0@harness.example.com", "racer-1@harness.example.com")


def test_an_acknowledged_booking_missing_from_the_final_state_fails() -> None:
    rounds = [a_round(STANDARD, HOUR, Booked("b1", HOUR, "scheduled"), TAKEN)]
    verdict = judge(rounds, FinalState(()))
    assert verdict.exit_code == TARGET_FAILED and verdict.missing == ("b1",)


def test_capacity_and_calendars_are_respected() -> None:
    """Three in a workshop of three, and the same hour on another calendar, are no breach;
    a fourth occupying one is; a cancelled one is not counted."""
    three = [record(f"w{i}", service_id="w1", capacity=3) for i in range(3)]
    elsewhere = record("o1", calendar="Garage")
    cancelled = record("w9", service_id="w1", capacity=3, occupies=False)
    rounds = [a_round(WORKSHOP, HOUR, *(Booked(f"w{i}", HOUR, "scheduled") for i in range(3)), TAKEN)]
    assert judge(rounds, FinalState((*three, elsewhere, cancelled))).exit_code == PASSED
    fourth = record("w3", service_id="w1", capacity=3)
    verdict = judge(rounds, FinalState((*three, fourth, elsewhere)))
    assert verdict.exit_code == TARGET_FAILED
    assert verdict.overbooked[0].booking_ids == ("w0", "w1", "w2", "w3")


def test_nothing_to_judge_is_no_verdict() -> None:
    assert judge([], None).exit_code == NOT_JUDGED
    assert "no free slot" in judge([], None).headline
    refused = [a_round(STANDARD, HOUR, TAKEN, Unknown("timeout"))]
    assert judge(refused, FinalState()).exit_code == NOT_JUDGED
    assert "no racer's booking was accepted" in judge(refused, FinalState()).headline


def test_without_a_final_state_only_a_finding_is_a_verdict() -> None:
    fine = [a_round(STANDARD, HOUR, Booked("b1", HOUR, "scheduled"), TAKEN)]
    assert judge(fine, None).exit_code == NOT_JUDGED
    double = [a_round(STANDARD, HOUR, Booked("b1", HOUR, "scheduled"), Booked("b2", HOUR, "scheduled"))]
    assert judge(double, None).exit_code == TARGET_FAILED


def test_the_reports_name_the_over_booked_slot_and_the_spread() -> None:
    rounds = [a_round(STANDARD, HOUR, Booked("b1", HOUR, "scheduled"), Booked("b2", HOUR, "scheduled"))]
    data = summary("reference", rounds, judge(rounds, FinalState((record("b1"), record("b2")), "database")))
    assert data["verdict"] == "FAIL" and data["spreadOfFinalWritesMs"]["max"] == pytest.approx(1.0)
    text = markdown(data)
    assert "## Over-booked slots" in text and "`b1` (b1@harness.example.com)" in text
    assert "Spread of the racers' final writes" in text


@dataclass
class _Commit:
    system: _OnePlace
    interval: Interval

    def commit(self) -> Outcome:
        with self.system.lock:
            self.system.commits += 1
            if self.system.taken:
                return TAKEN
            self.system.taken = True
        return Booked(f"b{self.system.commits}", self.interval, "scheduled")


@dataclass
class _OnePlace:
    """An in-process system with one free hour; prepare counts until the barrier."""

    name: str = "one-place"
    capabilities: frozenset[Capability] = frozenset({Capability.PUBLIC_BOOKING, Capability.AVAILABILITY})
    lock: threading.Lock = field(default_factory=threading.Lock)
    prepared: int = 0
    commits: int = 0
    taken: bool = False

    def services(self) -> Mapping[str, Service]:
        return {"standard": STANDARD}

    def availability(self, service_id: str, first: date, last: date) -> Sequence[Slot]:
        start = datetime(first.year, first.month, first.day, 10, tzinfo=UTC)
        hour = Interval(start, start + timedelta(hours=1))
        overlapping = Interval(start + timedelta(minutes=30), start + timedelta(minutes=90))
        return [Slot(service_id, hour, 1), Slot(service_id, overlapping, 1), Slot(service_id, NEXT_HOUR, 0)]

    def prepare_booking(
        self, service_id: str, interval: Interval, client: Client, *, idempotency_key: str | None = None
    ) -> _Commit:
        with self.lock:
            self.prepared += 1
            assert self.commits == 0, "a commit was released before every racer was prepared"
        return _Commit(self, interval)

    def final_state(self, first: date, last: date) -> FinalState:
        return FinalState()

    def close(self) -> None:
        pass


def test_a_round_prepares_everyone_before_releasing_any_commit() -> None:
    system = _OnePlace()
    result = race_round(system, 1, STANDARD, Slot("s1", HOUR), [client(i) for i in range(8)])
    assert system.prepared == 8 and len(result.attempts) == 8
    assert [a.outcome.kind for a in result.attempts].count("booked") == 1
    assert {a.client.email for a in result.attempts} == {client(i).email for i in range(8)}


def test_free_slots_skip_held_and_overlapping_ones() -> None:
    now = datetime(2030, 3, 1, 12, tzinfo=UTC)
    [slot] = free_slots(_OnePlace(), STANDARD, now)
    assert slot.interval.start == datetime(2030, 3, 2, 10, tzinfo=UTC)


def test_a_system_that_cannot_offer_a_slot_is_named() -> None:
    system = _OnePlace(capabilities=frozenset({Capability.PUBLIC_BOOKING}))
    with pytest.raises(CannotJudge, match="neither lists availability nor proposes slots"):
        run_race(system, clients=2, rounds=1, say=lambda _: None)


@dataclass
class _ProposesOnly(_OnePlace):
    """No availability listing, but it knows the slots it offers."""

    def candidate_slots(self, service_id: str, first: date, last: date) -> Sequence[Slot]:
        return [Slot(service_id, NEXT_HOUR), Slot(service_id, HOUR)]


def test_a_system_without_availability_races_for_the_slots_it_proposes() -> None:
    system = _ProposesOnly(capabilities=frozenset({Capability.PUBLIC_BOOKING}))
    [first, second] = free_slots(system, STANDARD, datetime(2030, 3, 1, tzinfo=UTC))
    assert (first.interval, second.interval) == (HOUR, NEXT_HOUR)
    [one] = run_race(system, clients=3, rounds=1, say=lambda _: None)
    assert one.slot.interval == HOUR and len(one.booked) == 1
