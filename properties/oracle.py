"""An independent oracle of the booking rules, written from the rules as documented
(docs/service/rules.md), not from the service's code: given a service's settings, its zone, "now" and
a requested start, it says which rule rejects the booking, or None when it must be accepted.

It judges the request directly by its local wall-clock reading instead of generating the slot
list the way the service does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def expected_rejection(
    settings: dict[str, Any], duration: int, tz: ZoneInfo, now: datetime, start: datetime
) -> str | None:
    if start <= now:
        return "past_slot"
    if start - now < timedelta(minutes=settings["minimumNoticeMinutes"]):
        return "under_minimum_notice"
    local = start.astimezone(tz)
    today = now.astimezone(tz).date()
    if not settings["sameDayBooking"] and local.date() == today:
        return "same_day_not_allowed"
    if (local.date() - today).days > settings["advanceBookingDays"]:
        return "beyond_advance_window"

    wall = local.replace(tzinfo=None)
    elapsed = wall - wall.replace(hour=0, minute=0, second=0, microsecond=0)
    minute_of_day = elapsed / timedelta(minutes=1)
    # The offered start of an ambiguous wall time is its first occurrence.
    first_occurrence = wall.replace(tzinfo=tz, fold=0).astimezone(UTC) == start.astimezone(UTC)
    for interval in settings["workingHours"].get(DAY_KEYS[local.weekday()], []):
        opens, closes = _minutes(interval["start"]), _minutes(interval["end"])
        if opens <= minute_of_day and minute_of_day + duration <= closes:
            steps = (minute_of_day - opens) / settings["slotIntervalMinutes"]
            on_grid = steps == int(steps)
            return None if on_grid and first_occurrence else "not_on_slot_boundary"
    return "outside_working_hours"
