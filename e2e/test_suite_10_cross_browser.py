"""Suite 10, cross-browser compatibility: the booking flow and the calendar in each of
Playwright's engines (Chromium, Firefox, WebKit). An engine this machine lacks is skipped
saying how to get it; every other suite runs per engine with `--browser NAME` (repeatable).

These tests launch each engine themselves, so the default run shows which engines were
covered and which were not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from e2e.browsers import CHROMIUM_ARGS, engine_missing, find_chromium
from e2e.page_checks import assert_no_sideways_scroll, sign_in
from e2e.page_objects.booking_page import BookingPage
from e2e.scenario import local_day, service_id
from harness.target import Target

pytestmark = pytest.mark.suite10

ENGINES = ("chromium", "firefox", "webkit")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, playwright: Playwright) -> Iterator[Browser]:
    name = str(request.param)
    if name == "chromium":
        executable = find_chromium()
        if executable is None:
            pytest.skip(engine_missing(name))
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    else:
        browser_type = getattr(playwright, name)
        if not Path(browser_type.executable_path).exists():
            pytest.skip(engine_missing(name))
        browser = browser_type.launch()
    yield browser
    browser.close()


def engine_page(engine: Browser, target: Target, **options: Any) -> Page:
    return engine.new_context(base_url=target.base_url, **options).new_page()


def test_booking_flow_in_each_engine(engine: Browser, target: Target, unique: str) -> None:
    page = engine_page(engine, target)
    booking = BookingPage(page).open(service_id(target, "standard"))
    booking.choose_slot(0)
    booking.fill_contact(f"Engine {unique}", f"engine-{engine.browser_type.name}-{unique}@example.com")
    booking.book_button.click()
    expect(booking.confirmation_status).to_have_text("Your booking is confirmed")
    expect(booking.reference).not_to_be_empty()
    phone = engine_page(engine, target, viewport={"width": 375, "height": 740})
    BookingPage(phone).open(service_id(target, "standard")).wait_for_slots()
    assert_no_sideways_scroll(phone)


def test_calendar_in_each_engine(
    engine: Browser, target: Target, pending_job: dict[str, Any], tz: Any
) -> None:
    if not target.has_admin:
        pytest.skip("the target names no admin credentials")
    page = engine_page(engine, target)
    schedule = sign_in(page, target)
    schedule.open("week", local_day(pending_job["startTime"], tz), job=pending_job["id"])
    expect(schedule.chip(pending_job["id"])).to_have_attribute("data-status", "pending-confirmation")
    schedule.act("confirm")
    expect(schedule.panel).to_have_attribute("data-status", "scheduled")
