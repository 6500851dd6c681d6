"""Pure unit tests for the booking rules in reference_app.scheduling.rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from reference_app.scheduling.booking_settings import WEEKDAYS, BookingSettings, WorkingInterval
from reference_app.scheduling.rules import (
    BEYOND_ADVANCE_WINDOW,
    NOT_ON_SLOT_BOUNDARY,
    OUTSIDE_WORKING_HOURS,
    PAST_SLOT,
    SAME_DAY_NOT_ALLOWED,
    UNDER_MINIMUM_NOTICE,
    SlotPolicy,
    bookable_slots,
    booking_violation,
    slot_starts_on,
)

NY = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
# Wednesday 2030-01-09 10:00 in New York (EST, UTC-5).
NOW = datetime(2030, 1, 9, 15, 0, tzinfo=UTC)
BEFORE_2024 = datetime(2024, 1, 1, tzinfo=UTC)
Hours = dict[Any, list[WorkingInterval]]


def every_day(start: str = "00:00", end: str = "24:00") -> Hours:
    return {day: [WorkingInterval(start, end)] for day in WEEKDAYS}


def make_policy(
    tz: ZoneInfo = NY, duration: int = 30, hours: Hours | None = None, **settings: Any
) -> SlotPolicy:
    if hours is not None:
        settings["working_hours"] = hours
    return SlotPolicy(BookingSettings(**settings), duration, tz)


def ny(month: int, day: int, hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(2030, month, day, hour, minute, second, micro, tzinfo=NY)


def local_walls(starts: list[datetime], tz: ZoneInfo) -> list[str]:
    return [s.astimezone(tz).strftime("%H:%M%z") for s in starts]


N120 = {"minimum_notice_minutes": 120}
NO_SAME_DAY = {"same_day_booking": False}
PAST_NOTICE = {"minimum_notice_minutes": 600, "same_day_booking": False}


# One example per rule code and its boundaries, then the priority order when several apply.
@pytest.mark.parametrize(
    ("start", "settings", "expected"),
    [
        (ny(1, 9, 10, 30), {}, None),  # the first slot after now
        (ny(1, 9, 9), {}, PAST_SLOT),
        (ny(1, 9, 10), {}, PAST_SLOT),  # exactly now
        (ny(1, 9, 12), N120, None),  # exactly the minimum notice
        (ny(1, 9, 11, 59), N120, UNDER_MINIMUM_NOTICE),  # one minute short
        (ny(1, 9, 11, 59, 59, 999999), N120, UNDER_MINIMUM_NOTICE),
        (ny(1, 9, 14), NO_SAME_DAY, SAME_DAY_NOT_ALLOWED),
        (ny(1, 10, 9), NO_SAME_DAY, None),
        (ny(1, 16, 16, 30), {"advance_booking_days": 7}, None),  # last day of the window
        (ny(1, 17, 9), {"advance_booking_days": 7}, BEYOND_ADVANCE_WINDOW),
        (ny(1, 9, 16, 30), {"advance_booking_days": 0}, None),  # today only
        (ny(1, 10, 9), {"advance_booking_days": 0}, BEYOND_ADVANCE_WINDOW),
        (ny(1, 12, 9), {}, OUTSIDE_WORKING_HOURS),  # Saturday
        (ny(1, 10, 8, 30), {}, OUTSIDE_WORKING_HOURS),
        (ny(1, 10, 17), {}, OUTSIDE_WORKING_HOURS),
        (ny(1, 10, 16, 30), {}, None),  # ends exactly at 17:00
        (ny(1, 10, 16, 30, 0, 1), {}, OUTSIDE_WORKING_HOURS),  # would end after 17:00
        (ny(1, 10, 8, 59, 59), {}, OUTSIDE_WORKING_HOURS),
        (ny(1, 10, 9, 15), {}, NOT_ON_SLOT_BOUNDARY),
        (ny(1, 10, 16, 29, 59), {}, NOT_ON_SLOT_BOUNDARY),
        (ny(1, 10, 9, 0, 1), {}, NOT_ON_SLOT_BOUNDARY),
        (ny(1, 10, 9, 0, 0, 1), {}, NOT_ON_SLOT_BOUNDARY),
        # priority: past beats everything (Saturday, off-boundary, notice, no same-day)
        (ny(1, 5, 3, 7), PAST_NOTICE, PAST_SLOT),
        (ny(1, 9, 10), PAST_NOTICE, PAST_SLOT),
        # notice beats same-day, working hours and slot boundary
        (ny(1, 9, 18, 7), PAST_NOTICE, UNDER_MINIMUM_NOTICE),
        # notice beats the advance window
        (ny(1, 12, 3), {"minimum_notice_minutes": 43200, "advance_booking_days": 1}, UNDER_MINIMUM_NOTICE),
        # same-day beats working hours and slot boundary
        (ny(1, 9, 20, 7), NO_SAME_DAY, SAME_DAY_NOT_ALLOWED),
        # the window beats working hours (a Sunday) and slot boundary
        (ny(3, 3, 3, 7), {"advance_booking_days": 10}, BEYOND_ADVANCE_WINDOW),
        (ny(1, 14, 9, 10), {"advance_booking_days": 4}, BEYOND_ADVANCE_WINDOW),
    ],
)
def test_rules_and_priority(start: datetime, settings: dict[str, Any], expected: str | None) -> None:
    assert booking_violation(start, NOW, make_policy(**settings)) == expected


def test_advance_window_counts_local_days_not_utc_days() -> None:
    now = ny(1, 9, 23, 30)  # already 2030-01-10 in UTC
    policy = make_policy(advance_booking_days=1)
    assert booking_violation(ny(1, 10, 16), now, policy) is None
    assert booking_violation(ny(1, 11, 9), now, policy) == BEYOND_ADVANCE_WINDOW


@pytest.mark.parametrize(
    ("duration", "start", "expected"),
    [
        (60, ny(1, 10, 16), None),  # ends exactly at 17:00
        (60, ny(1, 10, 16, 30), OUTSIDE_WORKING_HOURS),
        (480, ny(1, 10, 9), None),  # the whole day
        (481, ny(1, 10, 9), OUTSIDE_WORKING_HOURS),
    ],
)
def test_duration_must_fit_the_interval(duration: int, start: datetime, expected: str | None) -> None:
    assert booking_violation(start, NOW, make_policy(duration=duration)) == expected


def test_split_day_and_uneven_step() -> None:
    hours = {"thu": [WorkingInterval("09:00", "12:00"), WorkingInterval("13:00", "17:00")]}
    policy = make_policy(duration=60, hours=hours, slot_interval_minutes=45)
    starts = slot_starts_on(date(2030, 1, 10), policy)
    assert local_walls(starts, NY) == [
        f"{w}-0500" for w in ("09:00", "09:45", "10:30", "13:00", "13:45", "14:30", "15:15", "16:00")
    ]
    assert all(s.tzinfo is UTC for s in starts)
    assert booking_violation(ny(1, 10, 12, 15), NOW, policy) == OUTSIDE_WORKING_HOURS  # lunch
    assert booking_violation(ny(1, 10, 11, 15), NOW, policy) == OUTSIDE_WORKING_HOURS  # ends 12:15
    assert booking_violation(ny(1, 10, 10), NOW, policy) == NOT_ON_SLOT_BOUNDARY
    assert booking_violation(ny(1, 10, 16), NOW, policy) is None
    assert slot_starts_on(date(2030, 1, 11), policy) == []


# Same day is the tenant's calendar day.
@pytest.mark.parametrize(
    ("tz", "now", "start", "expected"),
    [
        # 23:30 -> 00:30 next local day: one hour apart but not the same day
        (NY, ny(1, 9, 23, 30), ny(1, 10, 0, 30), None),
        # 00:30 -> 23:30 the same local day: 23 hours apart but the same day
        (NY, ny(1, 9, 0, 30), ny(1, 9, 23, 30), SAME_DAY_NOT_ALLOWED),
        # different UTC dates (23:00Z / 01:00Z) but the same New York day
        (NY, ny(1, 9, 18), ny(1, 9, 20), SAME_DAY_NOT_ALLOWED),
        # same UTC date (2030-01-09) but different Sydney days
        (SYDNEY, datetime(2030, 1, 9, 23, 30, tzinfo=SYDNEY), datetime(2030, 1, 10, 9, tzinfo=SYDNEY), None),
    ],
)
def test_same_day_uses_local_calendar(
    tz: ZoneInfo, now: datetime, start: datetime, expected: str | None
) -> None:
    hours = every_day()
    assert booking_violation(start, now, make_policy(tz=tz, hours=hours, same_day_booking=False)) == expected
    assert booking_violation(start, now, make_policy(tz=tz, hours=hours)) is None


# DST transition days.
# zone, day, all-day slot count, 00:00-04:00 slot count, wall times around the change
DST_DAYS = [
    (NY, date(2024, 3, 10), 46, 6, ["01:00-0500", "01:30-0500", "03:00-0400", "03:30-0400"]),
    (NY, date(2024, 11, 3), 48, 8, ["00:30-0400", "01:00-0400", "01:30-0400", "02:00-0500"]),
    (LONDON, date(2024, 3, 31), 46, 6, ["00:00+0000", "00:30+0000", "02:00+0100", "02:30+0100"]),
    (LONDON, date(2024, 10, 27), 48, 8, ["00:30+0100", "01:00+0100", "01:30+0100", "02:00+0000"]),
    (SYDNEY, date(2024, 10, 6), 46, 6, ["01:00+1000", "01:30+1000", "03:00+1100", "03:30+1100"]),
    (SYDNEY, date(2024, 4, 7), 48, 8, ["01:30+1100", "02:00+1100", "02:30+1100", "03:00+1000"]),
    (NY, date(2024, 1, 10), 48, 8, ["01:00-0500", "01:30-0500", "02:00-0500", "02:30-0500"]),
]


@pytest.mark.parametrize(("tz", "day", "all_day", "early", "around"), DST_DAYS)
def test_slot_counts_on_dst_days(
    tz: ZoneInfo, day: date, all_day: int, early: int, around: list[str]
) -> None:
    starts = slot_starts_on(day, make_policy(tz=tz, hours=every_day()))
    assert len(starts) == all_day
    assert starts == sorted(set(starts))  # strictly increasing: no duplicated instants
    walls = local_walls(starts, tz)
    first = walls.index(around[0])
    assert walls[first : first + 4] == around
    assert all(s.astimezone(tz).date() == day for s in starts)
    early_starts = slot_starts_on(day, make_policy(tz=tz, hours=every_day("00:00", "04:00")))
    assert len(early_starts) == early
    assert early_starts == starts[:early]
    hourly = slot_starts_on(day, make_policy(tz=tz, duration=60, hours=every_day()))
    assert len(hourly) == all_day - 1  # 23:30 no longer fits


@pytest.mark.parametrize(
    ("tz", "day", "gap"),
    [
        (NY, date(2024, 3, 10), time(2)),
        (LONDON, date(2024, 3, 31), time(1)),
        (SYDNEY, date(2024, 10, 6), time(2)),
    ],
)
def test_nonexistent_wall_times_are_skipped(tz: ZoneInfo, day: date, gap: time) -> None:
    starts = slot_starts_on(day, make_policy(tz=tz, hours=every_day()))
    hours_offered = {(t.hour, t.minute) for t in (s.astimezone(tz) for s in starts)}
    assert (gap.hour, 0) not in hours_offered
    assert (gap.hour, 30) not in hours_offered
    assert (gap.hour + 1, 0) in hours_offered
    # an interval that lies entirely in the gap offers nothing
    in_gap = every_day(f"{gap.hour:02d}:00", f"{gap.hour + 1:02d}:00")
    assert slot_starts_on(day, make_policy(tz=tz, hours=in_gap)) == []


# zone, wall time of an ambiguous slot, first-occurrence offset, second-occurrence offset
AMBIGUOUS = [
    (NY, datetime(2024, 11, 3, 1, 30), -4, -5),
    (NY, datetime(2024, 11, 3, 1, 0), -4, -5),
    (LONDON, datetime(2024, 10, 27, 1, 30), 1, 0),
    (SYDNEY, datetime(2024, 4, 7, 2, 30), 11, 10),
]


@pytest.mark.parametrize(("tz", "wall", "first", "second"), AMBIGUOUS)
def test_ambiguous_wall_time_is_its_first_occurrence(
    tz: ZoneInfo, wall: datetime, first: int, second: int
) -> None:
    policy = make_policy(tz=tz, hours=every_day(), advance_booking_days=730)
    first_instant = wall.replace(tzinfo=timezone(timedelta(hours=first)))
    second_instant = wall.replace(tzinfo=timezone(timedelta(hours=second)))
    starts = slot_starts_on(wall.date(), policy)
    assert first_instant in starts
    assert second_instant not in starts
    assert booking_violation(first_instant, BEFORE_2024, policy) is None
    assert booking_violation(second_instant, BEFORE_2024, policy) == NOT_ON_SLOT_BOUNDARY
    assert booking_violation(wall.replace(tzinfo=tz, fold=0), BEFORE_2024, policy) is None
    assert booking_violation(wall.replace(tzinfo=tz, fold=1), BEFORE_2024, policy) == NOT_ON_SLOT_BOUNDARY
    early = make_policy(tz=tz, hours=every_day("00:00", "04:00"), advance_booking_days=730)
    assert booking_violation(second_instant, BEFORE_2024, early) == NOT_ON_SLOT_BOUNDARY


@pytest.mark.parametrize(
    ("tz", "start", "end_utc", "end_wall"),
    [
        (NY, datetime(2024, 3, 10, 1, 30), datetime(2024, 3, 10, 7, 30, tzinfo=UTC), "03:30-0400"),
        (NY, datetime(2024, 11, 3, 1, 30), datetime(2024, 11, 3, 6, 30, tzinfo=UTC), "01:30-0500"),
        (LONDON, datetime(2024, 3, 31, 0, 30), datetime(2024, 3, 31, 1, 30, tzinfo=UTC), "02:30+0100"),
        (LONDON, datetime(2024, 10, 27, 1, 30), datetime(2024, 10, 27, 1, 30, tzinfo=UTC), "01:30+0000"),
    ],
)
def test_slot_end_is_absolute_across_the_change(
    tz: ZoneInfo, start: datetime, end_utc: datetime, end_wall: str
) -> None:
    policy = make_policy(tz=tz, duration=60, hours=every_day(), advance_booking_days=730)
    slots = dict(bookable_slots(start.date(), start.date(), BEFORE_2024, policy))
    slot_start = start.replace(tzinfo=tz, fold=0).astimezone(UTC)
    assert slots[slot_start] == end_utc
    assert end_utc - slot_start == timedelta(hours=1)
    assert end_utc.astimezone(tz).strftime("%H:%M%z") == end_wall


# Instants, offsets, naive input.
@pytest.mark.parametrize(
    ("offset", "same_wall_expected"),
    [
        (timedelta(hours=-5), None),  # New York's own offset in January
        (timedelta(hours=0), OUTSIDE_WORKING_HOURS),  # 04:30 in New York
        (timedelta(hours=9), OUTSIDE_WORKING_HOURS),  # 19:30 the day before
        (timedelta(hours=-8), None),  # 12:30 in New York: another slot
        (timedelta(hours=-5, minutes=-15), NOT_ON_SLOT_BOUNDARY),  # 09:45 in New York
    ],
)
def test_start_in_another_offset_is_the_same_instant(
    offset: timedelta, same_wall_expected: str | None
) -> None:
    slot = ny(1, 10, 9, 30)
    assert booking_violation(slot.astimezone(timezone(offset)), NOW, make_policy()) is None
    # the same wall-clock reading in that offset is a different instant
    wall_in_offset = slot.replace(tzinfo=timezone(offset))
    assert booking_violation(wall_in_offset, NOW, make_policy()) == same_wall_expected


def test_naive_start_raises() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        booking_violation(datetime(2030, 1, 10, 9), NOW, make_policy())


# Bookable_slots over several days.
@pytest.mark.parametrize(("same_day", "expected_count"), [(True, 5 + 3 * 8), (False, 3 * 8)])
def test_bookable_slots_over_a_range(same_day: bool, expected_count: int) -> None:
    policy = make_policy(
        duration=60,
        hours=every_day("09:00", "17:00"),
        slot_interval_minutes=60,
        minimum_notice_minutes=90,
        same_day_booking=same_day,
        advance_booking_days=3,
    )
    slots = list(bookable_slots(date(2030, 1, 8), date(2030, 1, 15), NOW, policy))
    assert len(slots) == expected_count
    assert all(end - start == timedelta(hours=1) for start, end in slots)
    days = sorted({start.astimezone(NY).date() for start, _ in slots})
    expected_days = [date(2030, 1, d) for d in ((9, 10, 11, 12) if same_day else (10, 11, 12))]
    assert days == expected_days
    # 10:00 now + 90 minutes of notice: the first same-day slot is 12:00
    assert slots[0][0] == (ny(1, 9, 12) if same_day else ny(1, 10, 9))
    assert slots[-1][0] == ny(1, 12, 16)
    # consistent with the full rule set for every offered candidate
    candidates = [s for d in range(8, 16) for s in slot_starts_on(date(2030, 1, d), policy)]
    allowed = [s for s in candidates if booking_violation(s, NOW, policy) is None]
    assert [start for start, _ in slots] == allowed


def test_bookable_slots_empty_and_single_day_ranges() -> None:
    policy = make_policy()
    assert list(bookable_slots(date(2030, 1, 11), date(2030, 1, 10), NOW, policy)) == []
    assert list(bookable_slots(date(2030, 1, 12), date(2030, 1, 13), NOW, policy)) == []  # weekend
    friday = list(bookable_slots(date(2030, 1, 11), date(2030, 1, 11), NOW, policy))
    assert len(friday) == 16
    assert friday[0] == (ny(1, 11, 9), ny(1, 11, 9, 30))
