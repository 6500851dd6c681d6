"""The scheduling calendar's arithmetic: which local days a view shows, where navigation goes,
and which jobs fall on which day. Plain functions, no HTTP and no database."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from reference_app.jobs.schemas import JobOut
from reference_app.scheduling.lifecycle import STATUSES

View = Literal["day", "week", "month"]
VIEWS: tuple[View, ...] = ("day", "week", "month")
DASH = " \u2013 "  # an en dash between the ends of a span

STATUS_LABELS: dict[str, str] = {
    "pending-confirmation": "Pending confirmation",
    "scheduled": "Scheduled",
    "in-progress": "In progress",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "no-show": "No-show",
}
# In the week and month grids, where a column is narrow; the legend gives the full names.
STATUS_SHORT_LABELS: dict[str, str] = {**STATUS_LABELS, "pending-confirmation": "Pending"}
assert set(STATUS_LABELS) == set(STATUSES)


@dataclass(frozen=True)
class CalendarRange:
    view: View
    anchor: date
    first: date
    last: date
    previous: date
    following: date
    title: str

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def weeks(self) -> list[list[date]]:
        days = self.days
        return [days[i : i + 7] for i in range(0, len(days), 7)]


def parse_view(value: str | None) -> View:
    for view in VIEWS:
        if value == view:
            return view
    return "week"


def _shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def _span(first: date, last: date) -> str:
    if first.year != last.year:
        return f"{first:%-d %B %Y}{DASH}{last:%-d %B %Y}"
    if first.month != last.month:
        return f"{first:%-d %B}{DASH}{last:%-d %B %Y}"
    return f"{first.day}{DASH}{last:%-d %B %Y}"


def calendar_range(view: View, anchor: date) -> CalendarRange:
    """The local days a view shows around anchor; weeks start on Monday."""
    if view == "day":
        return CalendarRange(
            view,
            anchor,
            anchor,
            anchor,
            anchor - timedelta(days=1),
            anchor + timedelta(days=1),
            f"{anchor:%A %-d %B %Y}",
        )
    if view == "week":
        first = anchor - timedelta(days=anchor.weekday())
        last = first + timedelta(days=6)
        return CalendarRange(
            view,
            anchor,
            first,
            last,
            anchor - timedelta(days=7),
            anchor + timedelta(days=7),
            _span(first, last),
        )
    month_start = anchor.replace(day=1)
    month_end = month_start.replace(day=calendar.monthrange(anchor.year, anchor.month)[1])
    first = month_start - timedelta(days=month_start.weekday())
    last = month_end + timedelta(days=6 - month_end.weekday())
    return CalendarRange(
        view, anchor, first, last, _shift_month(anchor, -1), _shift_month(anchor, 1), f"{anchor:%B %Y}"
    )


def local_days_of(job: JobOut, tz: ZoneInfo) -> tuple[date, date]:
    """First and last local day a job occupies (a job ending at midnight ends the day before)."""
    start = job.start_time.astimezone(tz)
    end = (job.end_time - timedelta(microseconds=1)).astimezone(tz)
    return start.date(), max(start.date(), end.date())


def jobs_by_day(jobs: list[JobOut], days: list[date], tz: ZoneInfo) -> dict[date, list[JobOut]]:
    """Each shown day with the jobs overlapping it, in start order."""
    out: dict[date, list[JobOut]] = {day: [] for day in days}
    for job in sorted(jobs, key=lambda j: (j.start_time, j.end_time, j.title)):
        first, last = local_days_of(job, tz)
        for day in days:
            if first <= day <= last:
                out[day].append(job)
    return out
