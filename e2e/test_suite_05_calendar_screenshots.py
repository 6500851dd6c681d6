"""Suite 5: screenshots of the calendar at desktop and phone width, into artifacts/screenshots/: a week
holding every status, its month, and a job's detail panel."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.page_objects.login_page import LoginPage
from e2e.page_objects.schedule_page import SchedulePage
from e2e.scenario import book_first_free, create_free_job, local_day, screenshot, service_id, service_zone
from harness.adapters.reference_client import BookingApi
from harness.target import Target

pytestmark = pytest.mark.suite5


@pytest.fixture(scope="module")
def busy_week(target: Target, api: BookingApi) -> tuple[date, str]:
    """A week with a job in each status; returns the pending job's day and id."""
    tz = service_zone(api, service_id(target, "consultation"))
    pending = book_first_free(
        api, service_id(target, "consultation"), name="Grace Hopper", email="grace@example.com", skip=3
    )
    anchor = datetime.fromisoformat(local_day(pending["startTime"], tz)).date()
    monday = anchor - timedelta(days=anchor.weekday())
    moves = {
        "Window cleaning": [],
        "Boiler repair": ["start"],
        "Gutter check": ["start", "complete"],
        "Roof survey": ["cancel"],
    }
    for offset, (title, actions) in enumerate(moves.items()):
        job = create_free_job(api, title, monday + timedelta(days=offset), tz)
        for action in actions:
            assert api.act(job["id"], action).status_code == 200
    return anchor, pending["id"]


def test_schedule_page_screenshots(
    form_factor: str, device_page: Page, target: Target, busy_week: tuple[date, str]
) -> None:
    anchor, pending_id = busy_week
    device_page.goto("/schedule")
    LoginPage(device_page).sign_in(target.admin_email or "", target.admin_password or "")
    schedule = SchedulePage(device_page).open("week", anchor.isoformat(), job=pending_id)
    expect(schedule.panel).to_be_visible()
    statuses: set[Any] = {chip.get_attribute("data-status") for chip in schedule.chips.all()}
    assert {"pending-confirmation", "scheduled", "in-progress", "completed", "cancelled"} <= statuses
    screenshot(device_page, f"schedule-week-{form_factor}")
    schedule.open("month", anchor.isoformat())
    screenshot(device_page, f"schedule-month-{form_factor}")
    schedule.open("day", anchor.isoformat(), job=pending_id)
    screenshot(device_page, f"schedule-day-{form_factor}")
    viewport = device_page.viewport_size
    assert viewport is not None
    assert device_page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
