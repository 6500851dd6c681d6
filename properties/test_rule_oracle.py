"""The service agrees with an independent oracle of the booking rules on every draw: times
around local midnight and DST changes in several zones, working-hour and window edges, and
"now" itself drawn (the in-process service's clock is set to it).

Every run, whatever the profile, also books the first and last slot of each DST-change day of
2030 in every zone that has them (explicit examples): a draw may miss a change day, these never
do."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

from properties.oracle import DAY_KEYS, expected_rejection
from properties.system import BookingSystem

ZONES = ("America/New_York", "Europe/London", "Australia/Sydney", "America/Los_Angeles", "Asia/Kolkata")
YEAR_START = datetime(2030, 1, 1, tzinfo=UTC)


@cache
def dst_changes(zone: str) -> tuple[datetime, ...]:
    """The instants in 2030 when the zone's UTC offset changes."""
    tz = ZoneInfo(zone)
    changes, previous = [], YEAR_START.astimezone(tz).utcoffset()
    for hour in range(1, 366 * 24):
        instant = YEAR_START + timedelta(hours=hour)
        offset = instant.astimezone(tz).utcoffset()
        if offset != previous:
            changes.append(instant)
            previous = offset
    return tuple(changes)


def wall(minutes: int) -> str:
    return "24:00" if minutes == 1440 else f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def working_hours(draw: st.DrawFn) -> dict[str, list[dict[str, str]]]:
    hours: dict[str, list[dict[str, str]]] = {}
    for day in DAY_KEYS:
        kind = draw(st.sampled_from(["closed", "office", "all-day", "night", "split", "random"]))
        if kind == "office":
            hours[day] = [{"start": "09:00", "end": "17:00"}]
        elif kind == "all-day":
            hours[day] = [{"start": "00:00", "end": "24:00"}]
        elif kind == "night":  # covers the hours DST changes happen in
            hours[day] = [{"start": "00:00", "end": "04:00"}]
        elif kind == "split":
            hours[day] = [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "18:30"}]
        elif kind == "random":
            a, b = sorted(draw(st.lists(st.integers(0, 96), min_size=2, max_size=2, unique=True)))
            hours[day] = [{"start": wall(a * 15), "end": wall(b * 15)}]
    return hours


@st.composite
def booking_case(draw: st.DrawFn) -> dict[str, Any]:
    zone = draw(st.sampled_from(ZONES))
    tz = ZoneInfo(zone)
    settings = {
        "workingHours": draw(working_hours()),
        "slotIntervalMinutes": draw(st.sampled_from([15, 20, 30, 45, 60])),
        "sameDayBooking": draw(st.booleans()),
        "advanceBookingDays": draw(st.integers(0, 8)),
        "minimumNoticeMinutes": draw(st.sampled_from([0, 30, 90, 24 * 60])),
        "maxBookingsPerSlot": 1000,
        "requireConfirmation": False,
    }
    duration = draw(st.sampled_from([15, 30, 45, 60, 90]))
    anchor_kind = draw(st.sampled_from(["dst", "midnight", "anywhen"]))
    if anchor_kind == "dst" and dst_changes(zone):
        anchor = draw(st.sampled_from(dst_changes(zone)))
    elif anchor_kind == "midnight":
        day = date(2030, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
        anchor = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    else:
        anchor = YEAR_START + timedelta(minutes=draw(st.integers(0, 364 * 24 * 60)))
    now = anchor + timedelta(minutes=draw(st.integers(-2 * 24 * 60, 2 * 24 * 60)))
    start_day = now.astimezone(tz).date() + timedelta(days=draw(st.integers(-1, 10)))
    intervals = settings["workingHours"].get(DAY_KEYS[start_day.weekday()], [])
    edges = [0, 60, 90, 120, 150, 180, 23 * 60 + 30]
    for interval in intervals:
        opens = int(interval["start"][:2]) * 60 + int(interval["start"][3:])
        closes = (
            1440 if interval["end"] == "24:00" else int(interval["end"][:2]) * 60 + int(interval["end"][3:])
        )
        step = settings["slotIntervalMinutes"]
        edges += [opens, opens + step, opens - 15, closes - duration, closes - duration + 5, closes]
    minute = draw(st.one_of(st.sampled_from(edges), st.integers(0, 1439)))
    naive = datetime.combine(start_day, time(0)) + timedelta(
        minutes=minute, seconds=draw(st.sampled_from([0, 0, 0, 1, 30]))
    )
    start = naive.replace(tzinfo=tz, fold=draw(st.sampled_from([0, 1]))).astimezone(UTC)
    return {
        "zone": zone,
        "settings": settings,
        "duration": duration,
        "now": now,
        "start": start,
        "local_offset": draw(st.booleans()),
    }


CHANGE_DAY_HOURS = {day: [{"start": "04:00", "end": "22:00"}] for day in DAY_KEYS}


def change_day_case(zone: str, change: datetime, hour: int) -> dict[str, Any]:
    """Book `hour` local on the day of a DST change, from the day before. The first (04:00) and
    last (21:00) slots of the day lie after every zone's change: slot starts an hour off that
    day miss one of them, whichever way the clocks went."""
    tz = ZoneInfo(zone)
    day = change.astimezone(tz).date()
    return {
        "zone": zone,
        "settings": {
            "workingHours": CHANGE_DAY_HOURS,
            "slotIntervalMinutes": 60,
            "sameDayBooking": True,
            "advanceBookingDays": 8,
            "minimumNoticeMinutes": 0,
            "maxBookingsPerSlot": 1000,
            "requireConfirmation": False,
        },
        "duration": 60,
        "now": change - timedelta(days=1),
        "start": datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC),
        "local_offset": True,
    }


# The first and last slot of every DST-change day of 2030 in every zone that has them: 16
# examples on top of the draws, in every profile.
DST_CHANGE_DAYS = [
    change_day_case(zone, change, hour) for zone in ZONES for change in dst_changes(zone) for hour in (4, 21)
]


def services_per_zone(system: BookingSystem) -> dict[str, tuple[Any, str]]:
    """A tenant in each zone, with one service the oracle test reconfigures per example."""
    assert system.tenant_in_zone is not None
    services = {}
    for zone in ZONES:
        session = system.tenant_in_zone(zone)
        services[zone] = (
            session,
            session.create_service(duration=30, interval=30, capacity=1000, confirm=False),
        )
    return services


@pytest.fixture(scope="module")
def zone_services(booking_system: BookingSystem) -> dict[str, tuple[Any, str]]:
    if booking_system.clock is None or booking_system.tenant_in_zone is None:
        pytest.skip("the rule oracle needs to set the service's clock; a live target has its own")
    return services_per_zone(booking_system)


def with_dst_change_days(test: Any) -> Any:
    for case in DST_CHANGE_DAYS:
        test = example(case=case)(test)
    return test


@with_dst_change_days
@settings(max_examples=settings.default.max_examples * 8)  # a cheap check: draw many
@given(case=booking_case())
def test_service_agrees_with_the_oracle(
    booking_system: BookingSystem, zone_services: dict[str, tuple[Any, str]], case: dict[str, Any]
) -> None:
    assert booking_system.clock is not None
    session, service_id = zone_services[case["zone"]]
    tz = ZoneInfo(case["zone"])
    updated = session.api.update_service(
        service_id, {"durationMinutes": case["duration"], "bookingSettings": case["settings"]}
    )
    assert updated.status_code == 200, updated.text
    booking_system.clock.set(case["now"])
    start = case["start"].astimezone(tz) if case["local_offset"] else case["start"]
    expected = expected_rejection(case["settings"], case["duration"], tz, case["now"], case["start"])
    note(f"now {case['now'].astimezone(tz)} ({case['zone']}), start {start}, oracle: {expected or 'accept'}")
    response = session.api.book(service_id, start, name="Oracle", email="oracle@example.com")
    if expected is None:
        assert response.status_code == 201, response.text
    else:
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == expected
