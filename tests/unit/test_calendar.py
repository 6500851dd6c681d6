"""The calendar's arithmetic and the small pure helpers of the pages."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from reference_app.jobs.schemas import JobOut
from reference_app.pages.booking_page import booking_window
from reference_app.pages.calendar import calendar_range, jobs_by_day, parse_view
from reference_app.pages.session import safe_next

NY = ZoneInfo("America/New_York")


def test_week_starts_on_monday_and_moves_by_seven_days() -> None:
    week = calendar_range("week", date(2030, 1, 9))
    assert (week.first, week.last) == (date(2030, 1, 7), date(2030, 1, 13))
    assert (week.previous, week.following) == (date(2030, 1, 2), date(2030, 1, 16))
    assert week.title == "7 \u2013 13 January 2030"


def test_month_covers_whole_weeks_and_clamps_navigation() -> None:
    month = calendar_range("month", date(2030, 1, 31))
    assert (month.first, month.last) == (date(2029, 12, 31), date(2030, 2, 3))
    assert all(len(week) == 7 for week in month.weeks) and len(month.weeks) == 5
    assert (month.previous, month.following) == (date(2029, 12, 31), date(2030, 2, 28))
    assert month.title == "January 2030"


def test_day_view() -> None:
    day = calendar_range("day", date(2030, 3, 10))
    assert day.days == [date(2030, 3, 10)]
    assert (day.previous, day.following) == (date(2030, 3, 9), date(2030, 3, 11))


@pytest.mark.parametrize(
    ("raw", "view"), [("day", "day"), ("month", "month"), (None, "week"), ("DAY", "week")]
)
def test_unknown_views_fall_back_to_week(raw: str | None, view: str) -> None:
    assert parse_view(raw) == view


def job(start: datetime, end: datetime, title: str = "job") -> JobOut:
    return JobOut(
        id=uuid.uuid4(),
        title=title,
        service_id=None,
        contact=None,
        start_time=start,
        end_time=end,
        status="scheduled",
        source="admin",
        notes=None,
        decline_reason=None,
        cancel_reason=None,
        created_at=start,
        updated_at=start,
    )


def test_jobs_fall_on_their_local_days() -> None:
    days = [date(2030, 1, 9), date(2030, 1, 10), date(2030, 1, 11)]
    # 23:30-00:30 New York spans two local days; one ending at local midnight does not.
    late = job(datetime(2030, 1, 10, 4, 30, tzinfo=UTC), datetime(2030, 1, 10, 5, 30, tzinfo=UTC), "late")
    evening = job(datetime(2030, 1, 10, 4, 0, tzinfo=UTC), datetime(2030, 1, 10, 5, 0, tzinfo=UTC), "evening")
    placed = jobs_by_day([late, evening], days, NY)
    assert [j.title for j in placed[date(2030, 1, 9)]] == ["evening", "late"]
    assert [j.title for j in placed[date(2030, 1, 10)]] == ["late"]
    assert placed[date(2030, 1, 11)] == []


def test_booking_window_respects_same_day_setting() -> None:
    today = date(2030, 1, 9)
    assert booking_window(today, True, 30) == (today, date(2030, 2, 8))
    assert booking_window(today, False, 30) == (date(2030, 1, 10), date(2030, 2, 8))
    assert booking_window(today, False, 0) == (date(2030, 1, 10), date(2030, 1, 10))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/schedule?view=day", "/schedule?view=day"),
        ("/", "/"),
        (None, "/schedule"),
        ("//evil.example", "/schedule"),
        ("/\\evil.example", "/schedule"),
        ("https://evil.example", "/schedule"),
        ("/schedule\n", "/schedule"),
    ],
)
def test_login_redirects_stay_on_this_site(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected
