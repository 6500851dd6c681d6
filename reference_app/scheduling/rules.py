"""Which start times a service offers, and which rule rejects a requested start.

All calendar notions (working hours, "same day", the advance window) are the tenant's
local wall-clock time; instants are compared as instants. Slot starts that do not exist
locally (spring-forward gap) are skipped; an ambiguous wall time (fall-back) means its
first occurrence.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from reference_app.failpoints import failpoint_active
from reference_app.scheduling.booking_settings import BookingSettings

# Checked in this order; the first that applies is the one reported.
PAST_SLOT = "past_slot"
UNDER_MINIMUM_NOTICE = "under_minimum_notice"
SAME_DAY_NOT_ALLOWED = "same_day_not_allowed"
BEYOND_ADVANCE_WINDOW = "beyond_advance_window"
OUTSIDE_WORKING_HOURS = "outside_working_hours"
NOT_ON_SLOT_BOUNDARY = "not_on_slot_boundary"

RULE_MESSAGES = {
    PAST_SLOT: "The requested time is in the past.",
    UNDER_MINIMUM_NOTICE: "The requested time is too soon: the minimum notice is not met.",
    SAME_DAY_NOT_ALLOWED: "Same-day bookings are not allowed for this service.",
    BEYOND_ADVANCE_WINDOW: "The requested time is beyond the advance booking window.",
    OUTSIDE_WORKING_HOURS: "The requested time is outside working hours.",
    NOT_ON_SLOT_BOUNDARY: "The requested time is not one of the offered slot start times.",
}


@dataclass(frozen=True)
class SlotPolicy:
    settings: BookingSettings
    duration_minutes: int
    tz: ZoneInfo

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


def _exists_locally(naive: datetime, tz: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == naive


def slot_starts_on(day: date, policy: SlotPolicy) -> list[datetime]:
    """Every offered start instant (in UTC) on a local calendar day, in ascending order.

    Instants are returned in UTC because aware-datetime arithmetic in a ZoneInfo zone is
    wall-clock arithmetic: adding a duration across a DST change would be off by the shift.
    """
    return list(_starts_on(day, policy))


def _starts_on(day: date, policy: SlotPolicy) -> tuple[datetime, ...]:
    intervals = tuple(
        (iv.start_minutes, iv.end_minutes) for iv in policy.settings.intervals_on(day.weekday())
    )
    if not intervals:
        return ()
    step = policy.settings.slot_interval_minutes
    if failpoint_active("rules_day_starts_ignore_dst"):
        return _day_starts_ignoring_dst(day, policy.tz, policy.duration_minutes, step, intervals)
    return _day_starts(day, policy.tz, policy.duration_minutes, step, intervals)


# A day's starts depend only on these arguments, and every availability look-up and booking
# needs them: computing them means two zone conversions per slot, so they are kept. Bounded:
# 2048 days of 288 starts at worst is about 30 MB; a typical day holds a few dozen.
@functools.lru_cache(maxsize=2048)
def _day_starts(
    day: date,
    tz: ZoneInfo,
    duration_minutes: int,
    step: int,
    intervals: tuple[tuple[int, int], ...],
) -> tuple[datetime, ...]:
    starts: list[datetime] = []
    for start_minutes, end_minutes in intervals:
        minute = start_minutes
        while minute + duration_minutes <= end_minutes:
            naive = datetime.combine(day, time(minute // 60, minute % 60))
            if _exists_locally(naive, tz):
                starts.append(naive.replace(tzinfo=tz, fold=0).astimezone(UTC))
            minute += step
    return tuple(starts)


def _day_starts_ignoring_dst(
    day: date, tz: ZoneInfo, duration_minutes: int, step: int, intervals: tuple[tuple[int, int], ...]
) -> tuple[datetime, ...]:
    """The rules_day_starts_ignore_dst variant (faults.py): local midnight's UTC offset all day
    long, so on a DST-change day every start after the change is an hour off."""
    midnight = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    return tuple(
        midnight + timedelta(minutes=minute)
        for start_minutes, end_minutes in intervals
        for minute in range(start_minutes, end_minutes - duration_minutes + 1, step)
    )


def _local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def time_rule_violation(start: datetime, now: datetime, policy: SlotPolicy) -> str | None:
    """The rules that depend on "now": past, notice, same-day, advance window."""
    if start <= now:
        return PAST_SLOT
    if start < now + timedelta(minutes=policy.settings.minimum_notice_minutes):
        return UNDER_MINIMUM_NOTICE
    today = _local_date(now, policy.tz)
    start_day = _local_date(start, policy.tz)
    if not policy.settings.same_day_booking and start_day == today:
        return SAME_DAY_NOT_ALLOWED
    window = policy.settings.advance_booking_days
    if failpoint_active("e2e_rule_window_one_day_short"):  # the broken variant (faults.py)
        window -= 1
    if start_day > today + timedelta(days=window):
        return BEYOND_ADVANCE_WINDOW
    return None


def placement_violation(start: datetime, policy: SlotPolicy) -> str | None:
    """Working hours and slot boundaries, both judged in local wall-clock time."""
    local = start.astimezone(policy.tz)
    instant = start.astimezone(UTC)
    if instant in _starts_on(local.date(), policy):
        return None
    wall = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
    for interval in policy.settings.intervals_on(local.weekday()):
        if interval.start_minutes <= wall and wall + policy.duration_minutes <= interval.end_minutes:
            return NOT_ON_SLOT_BOUNDARY
    return OUTSIDE_WORKING_HOURS


def booking_violation(start: datetime, now: datetime, policy: SlotPolicy) -> str | None:
    """The first rule that rejects a public booking at `start`, or None when it is allowed."""
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    start = start.astimezone(UTC)
    return time_rule_violation(start, now, policy) or placement_violation(start, policy)


def bookable_slots(
    first_day: date, last_day: date, now: datetime, policy: SlotPolicy
) -> Iterator[tuple[datetime, datetime]]:
    """Slots on local days first_day..last_day (inclusive) that a client may book now.

    The same judgement as time_rule_violation, per slot, but with the calendar rules judged
    once per day: every start offered on a local day falls on that local day.
    """
    settings = policy.settings
    today = _local_date(now, policy.tz)
    last_allowed = today + timedelta(days=settings.advance_booking_days)
    earliest = now + timedelta(minutes=settings.minimum_notice_minutes)
    duration = policy.duration
    day = first_day
    while day <= min(last_day, last_allowed):
        if settings.same_day_booking or day != today:
            for start in _starts_on(day, policy):
                if start > now and start >= earliest:
                    yield start, start + duration
        day += timedelta(days=1)


def local_day_bounds(first_day: date, last_day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Instants of local midnight at the start of first_day and after last_day."""
    start = datetime.combine(first_day, time(0), tzinfo=tz)
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=tz)
    return start, end
