"""Checks on rendered pages that several suites make: times as the page writes them, no
sideways scrolling, a status badge's colour in every calendar view."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from e2e.colours import STATUS_COLOURS, colour_name
from e2e.page_objects.login_page import LoginPage
from e2e.page_objects.schedule_page import SchedulePage
from harness.target import Target

VIEWS = ("day", "week", "month")


def clock_label(instant: str, tz: ZoneInfo) -> str:
    """How the page writes a time: 12-hour clock in the business's zone, e.g. "9:00 AM"."""
    local = datetime.fromisoformat(instant).astimezone(tz)
    return f"{local:%-I:%M %p}"


def plain_spaces(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def assert_no_sideways_scroll(page: Page) -> None:
    viewport = page.viewport_size
    assert viewport is not None
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"page is {width} px wide on a {viewport['width']} px screen"


def colour_of(locator: Locator) -> str:
    return colour_name(locator.evaluate("element => getComputedStyle(element).backgroundColor"))


def assert_badge(schedule: SchedulePage, job: dict[str, Any], day: str, status: str) -> None:
    """The job shows the status's colour in all three views, the same shade as the legend."""
    for view in VIEWS:
        schedule.open(view, day)
        badge = schedule.badge(job["id"])
        expect(badge).to_be_visible()
        expect(schedule.chip(job["id"])).to_have_attribute("data-status", status)
        assert colour_of(badge) == STATUS_COLOURS[status], f"{status} in the {view} view"
        legend = schedule.legend_badge(status).evaluate("e => getComputedStyle(e).backgroundColor")
        assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == legend


def sign_in(page: Page, target: Target) -> SchedulePage:
    page.goto("/schedule")
    LoginPage(page).sign_in(target.admin_email or "", target.admin_password or "")
    return SchedulePage(page)
