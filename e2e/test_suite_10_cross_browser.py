"""Suite 10, cross-browser compatibility: the booking flow and the calendar in two engines,
Chromium (through Playwright) and WebKitGTK (WebKit, Safari's engine family, through Selenium
WebDriver with Debian's webkit2gtk-driver under Xvfb). The same cases in each, through page
objects with the same data-testid selectors (e2e/page_objects/).

An engine this machine lacks is skipped saying what to install, and recorded as absent in the
run's summary (`byEngine`), so the checklist reports it as "cannot be checked on this machine",
never as a failure. Every other suite runs per Playwright engine with `--browser NAME`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NoReturn

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect
from selenium.webdriver.remote.webdriver import WebDriver

from e2e.browsers import CHROMIUM_ARGS, INSTALL_HINT, WebKitGtk, find_chromium, find_webkitgtk
from e2e.page_checks import assert_no_sideways_scroll, sign_in
from e2e.page_objects.booking_page import BookingPage
from e2e.page_objects.webdriver_pages import WebDriverBookingPage, WebDriverSchedulePage
from e2e.page_objects.webdriver_pages import sign_in as webdriver_sign_in
from e2e.report import ABSENT_ENGINES
from e2e.scenario import local_day, service_id
from e2e.webkit_session import webkitgtk_driver
from harness.target import Target

pytestmark = pytest.mark.suite10

ENGINES = ("chromium", "webkitgtk")
PHONE = {"width": 375, "height": 740}


@dataclass
class Engine:
    """One engine's browser: a Playwright Browser or a Selenium WebDriver session."""

    name: str
    browser: Browser | None = None
    driver: WebDriver | None = None


def _absent(request: pytest.FixtureRequest, name: str, reason: str) -> NoReturn:
    request.config.stash[ABSENT_ENGINES][name] = reason
    pytest.skip(reason)


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest, playwright: Playwright) -> Iterator[Engine]:
    name = str(request.param)
    if name == "chromium":
        executable = find_chromium()
        if executable is None:
            _absent(request, name, f"chromium cannot run on this machine: {INSTALL_HINT}")
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield Engine(name, browser=browser)
        browser.close()
        return
    parts = find_webkitgtk()
    if not isinstance(parts, WebKitGtk):
        _absent(request, name, parts)
    with webkitgtk_driver(parts) as driver:
        yield Engine(name, driver=driver)


def engine_page(browser: Browser, target: Target, **options: Any) -> Page:
    return browser.new_context(base_url=target.base_url, **options).new_page()


def fresh_driver(engine: Engine) -> WebDriver:
    """The engine's WebDriver session, signed out and at its desktop size."""
    assert engine.driver is not None
    engine.driver.delete_all_cookies()
    engine.driver.set_window_size(1280, 900)
    return engine.driver


def test_booking_flow_in_each_engine(engine: Engine, target: Target, unique: str) -> None:
    email = f"engine-{engine.name}-{unique}@example.com"
    if engine.browser is None:
        driver = fresh_driver(engine)
        booking = WebDriverBookingPage(driver, target.base_url).open(service_id(target, "standard"))
        booking.choose_slot(0)
        booking.fill_contact(f"Engine {unique}", email)
        booking.book()
        booking.wait_for_text(booking.confirmation_status, "Your booking is confirmed")
        assert booking.reference(), "the confirmation shows no booking reference"
        # A window as narrow as the engine's window manager allows (MiniBrowser's is wider than
        # a phone's 375 px): the page still must not scroll sideways at that width.
        driver.set_window_size(PHONE["width"], PHONE["height"])
        booking.open(service_id(target, "standard")).wait_for_slots()
        width, screen = booking.scroll_width()
        assert width <= screen, f"page is {width} px wide on a {screen} px screen"
        return
    page = engine_page(engine.browser, target)
    booking_page = BookingPage(page).open(service_id(target, "standard"))
    booking_page.book_first_free(f"Engine {unique}", email)
    expect(booking_page.confirmation_status).to_have_text("Your booking is confirmed")
    expect(booking_page.reference).not_to_be_empty()
    phone = engine_page(engine.browser, target, viewport=PHONE)
    BookingPage(phone).open(service_id(target, "standard")).wait_for_slots()
    assert_no_sideways_scroll(phone)


def test_calendar_in_each_engine(
    engine: Engine, target: Target, pending_job: dict[str, Any], tz: Any
) -> None:
    if not target.has_admin:
        pytest.skip("the target names no admin credentials")
    day = local_day(pending_job["startTime"], tz)
    if engine.browser is None:
        driver = fresh_driver(engine)
        calendar = webdriver_sign_in(
            driver, target.base_url, target.admin_email or "", target.admin_password or ""
        )
        calendar.open("week", day, job=pending_job["id"])
        calendar.wait_for_attribute(calendar.chip(pending_job["id"]), "data-status", "pending-confirmation")
        calendar.act("confirm")
        calendar.wait_for_attribute(WebDriverSchedulePage.panel, "data-status", "scheduled")
        return
    page = engine_page(engine.browser, target)
    schedule = sign_in(page, target)
    schedule.open("week", day, job=pending_job["id"])
    expect(schedule.chip(pending_job["id"])).to_have_attribute("data-status", "pending-confirmation")
    schedule.act("confirm")
    expect(schedule.panel).to_have_attribute("data-status", "scheduled")
