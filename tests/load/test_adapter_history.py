"""A race through an adapter, as the checker and the reports see it: outcomes mapped into the
history, the adapter's final state judged per calendar and capacity, the over-booked slots and
their bookings named, and the spread of the racers' releases measured."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from harness import model
from load.checker.audit import audit_history
from load.checker.final_state import from_model
from load.checker.operations import Operation, contact_email, outcome_fields
from load.reports.gates import ADAPTER_COMMIT_NAME, GateLimits, StatsRow, audit_gates
from load.reports.releases import release_line, release_spread
from load.reports.report import overbooked_lines, overbooked_slots
from tests.load.histories import RUN, T0, book

HOUR = model.Interval(T0, T0 + timedelta(hours=1))
STAFF = [model.Service("1", "standard", calendar="staff:1"), model.Service("2", "other", calendar="staff:2")]


def record(
    booking_id: str, service: str, *, occupies: bool = True, request: str | None = None
) -> model.BookingRecord:
    calendar = f"staff:{service}"
    email = contact_email(RUN, request or booking_id)
    return model.BookingRecord(booking_id, service, HOUR, "booked", occupies, 1, calendar, email)


def test_outcomes_map_onto_the_history() -> None:
    booked = outcome_fields(model.Booked("17", HOUR, "booked"))
    assert booked == {
        "outcome": "ok",
        "job_id": "17",
        "job_start": T0.isoformat(),
        "job_end": HOUR.end.isoformat(),
    }
    assert outcome_fields(model.Refused("taken", "slot_full")) == {"outcome": "rejected", "code": "slot_full"}
    assert outcome_fields(model.Unknown("timeout")) == {"outcome": "indeterminate", "code": "timeout"}


def test_the_final_state_is_judged_per_calendar() -> None:
    """One booking on each of two staff members' calendars at one hour is no double booking;
    two on one calendar are, whichever services they are of; one that frees its time is not."""
    apart = from_model(model.FinalState((record("a", "1"), record("b", "2")), "database"), "app", STAFF)
    assert apart.source == "app (database)"
    assert audit_history([], apart, RUN).check("double_booking").ok

    same = from_model(model.FinalState((record("a", "1"), record("b", "1"))), "app", STAFF)
    assert [e["jobIds"] for e in audit_history([], same, RUN).check("double_booking").evidence] == [
        ["a", "b"]
    ]

    freed = from_model(model.FinalState((record("a", "1"), record("b", "1", occupies=False))), "app", STAFF)
    assert audit_history([], freed, RUN).check("double_booking").ok


def test_the_over_booked_slots_are_named_with_their_bookings() -> None:
    ops = [book("r1", job="a", at=100.0), book("r2", job="b", at=100.0)]
    state = from_model(
        model.FinalState((record("a", "1", request="r1"), record("b", "1", request="r2"))), "app"
    )
    verdict = audit_history(ops, state, RUN)

    (slot,) = overbooked_slots(verdict)
    assert slot == {
        "check": "double_booking",
        "start": T0.isoformat(),
        "end": HOUR.end.isoformat(),
        "capacity": 1,
        "bookings": ["a", "b"],
    }
    interval = f"{T0.isoformat()} .. {HOUR.end.isoformat()}"
    assert overbooked_lines(verdict) == [
        f"OVER-BOOKED {interval} (capacity 1, double_booking): 2 bookings a, b"
    ]
    assert overbooked_slots(audit_history(ops[:1], from_model(model.FinalState(), "app"), RUN)) == []


def test_the_history_gate_counts_the_adapters_commits() -> None:
    ops = [book("r1", job="a"), book("r2", "rejected")]
    state = from_model(model.FinalState((record("a", "1", request="r1"),)), "app")
    verdict = audit_history(ops, state, RUN)
    commits = StatsRow(f"{ADAPTER_COMMIT_NAME} (app)", "BOOK", 2, 0, 5, 9, 9, 5, 9, 1)
    prepares = StatsRow("prepare booking (app)", "BOOK", 2, 0, 5, 9, 9, 5, 9, 1)
    gates = {g.name: g for g in audit_gates(verdict, None, ops, [commits, prepares], GateLimits())}
    assert gates["history complete"].ok and gates["history complete"].measured == "2"
    short = dataclasses.replace(commits, requests=3)  # one commit's operation never came back
    gates = {g.name: g for g in audit_gates(verdict, None, ops, [short, prepares], GateLimits())}
    assert not gates["history complete"].ok


def released(request: str, instant: float | None, at: float) -> Operation:
    return dataclasses.replace(book(request, job=request, at=at), release_at=instant)


def test_the_spread_of_the_releases_is_measured_per_round() -> None:
    ops = [
        released("a", 10.0, 10.001),
        released("b", 10.0, 10.004),  # round 1: spread 3 ms
        released("c", 11.0, 11.002),
        released("d", 11.0, 11.010),  # round 2: spread 8 ms, and 10 ms behind its instant
        released("e", 12.0, 12.5),  # round 3: one racer alone, late
        dataclasses.replace(released("f", None, 13.0), attempt=1),  # a retry: by no barrier
        released("g", None, 13.5),  # prepared too late for its round's instant
    ]
    spread = release_spread(ops)
    assert spread is not None
    assert (spread["rounds"], spread["racedRounds"], spread["racers"], spread["missed"]) == (3, 2, 5, 1)
    assert spread["spreadMs"] == {"median": 5.5, "max": 8.0}
    assert spread["lagMs"]["max"] == 500.0 and spread["lagMs"]["median"] == 4.0
    line = release_line(spread)
    assert line is not None and line.startswith("RELEASES: 5 commits released at 3 round instants (2 with 2")
    assert line.endswith("; 1 missed their round's instant (prepared too late) and were sent at once")
    assert release_spread([]) is None and release_line(None) is None
