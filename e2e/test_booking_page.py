"""The public booking page in a browser: a booking end to end on desktop and phone, the
business's time zone, double clicks, a slot taken meanwhile, rule violations, unknown services."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, Request, Route, expect

from e2e.page_objects.booking_page import BookingPage
from e2e.scenario import free_slots, local_day, screenshot, service_id, service_zone
from harness.api_client import BookingApi
from harness.contract import BOOKING_RULE_CODES
from harness.target import Target


def clock_label(instant: str, tz: ZoneInfo) -> str:
    """How the page writes a time: 12-hour clock in the business's zone, e.g. "9:00 AM"."""
    local = datetime.fromisoformat(instant).astimezone(tz)
    return f"{local:%-I:%M %p}"


def plain_spaces(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


def assert_no_sideways_scroll(page: Page) -> None:
    viewport = page.viewport_size
    assert viewport is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def jobs_for(api: BookingApi, email: str, day: str) -> list[dict[str, Any]]:
    first = datetime.fromisoformat(day).date()
    listed = api.jobs(first, first).json()["jobs"]
    return [job for job in listed if job["contact"] and job["contact"]["email"] == email]


def test_book_a_slot_end_to_end(
    form_factor: str, device_page: Page, target: Target, api: BookingApi, unique: str
) -> None:
    """Choose a day and a time, fill in the form, double-click Book: one booking, pending."""
    service = service_id(target, "consultation")
    tz = service_zone(api, service)
    booking = BookingPage(device_page).open(service)
    expect(booking.service_name).to_have_text("Consultation (needs confirmation)")
    expect(booking.time_zone).to_have_text(tz.key)
    expect(booking.zone_note).to_contain_text(tz.key)

    start = booking.choose_slot(0)
    assert plain_spaces(booking.slot_label(0)).startswith(clock_label(start, tz))
    email = f"e2e-{unique}@example.com"
    booking.fill_contact(f"Client {unique}", email, phone="+1 555 0100", notes="Gate code 42")
    posts: list[Request] = []

    def record(request: Request) -> None:
        posts.append(request)

    device_page.on("request", record)

    booking.book_button.dblclick()

    expect(booking.confirmation).to_be_visible()
    expect(booking.confirmation_status).to_have_text("Your booking is pending confirmation")
    expect(booking.form).to_be_hidden()
    bookings = [r for r in posts if r.method == "POST" and r.url.endswith(f"/services/{service}/book")]
    assert len(bookings) == 1, "a double click must send one booking"
    assert bookings[0].headers.get("idempotency-key")
    (job,) = jobs_for(api, email, local_day(start, tz))
    assert (job["status"], job["startTime"]) == ("pending-confirmation", start.replace("+00:00", "Z"))
    expect(booking.reference).to_have_text(job["id"])
    assert_no_sideways_scroll(device_page)
    screenshot(device_page, f"booking-confirmed-{form_factor}")


def test_instant_service_says_confirmed(page: Page, target: Target, api: BookingApi, unique: str) -> None:
    booking = BookingPage(page).open(service_id(target, "standard"))
    booking.choose_slot(0)
    booking.fill_contact(f"Instant {unique}", f"instant-{unique}@example.com")
    booking.book_button.click()
    expect(booking.confirmation_status).to_have_text("Your booking is confirmed")
    expect(booking.confirmation).to_have_attribute("data-status", "scheduled")


def test_times_are_in_the_business_zone_whatever_the_browser_zone(
    new_context: Any, target: Target, api: BookingApi
) -> None:
    service = service_id(target, "standard")
    tz = service_zone(api, service)
    browser_zone = "Pacific/Auckland" if tz.key != "Pacific/Auckland" else "Europe/Berlin"
    page = new_context(timezone_id=browser_zone).new_page()
    booking = BookingPage(page).open(service)
    start = booking.choose_slot(0)
    assert plain_spaces(booking.slot_label(0)).startswith(clock_label(start, tz))
    expect(booking.slots_status).to_contain_text(f"({tz.key} time)")


def test_a_slot_taken_meanwhile_shows_the_conflict(
    page: Page, target: Target, api: BookingApi, unique: str
) -> None:
    service = service_id(target, "standard")  # one place per slot
    booking = BookingPage(page).open(service)
    start = booking.choose_slot(0)
    taken = api.book(service, start, name="Someone Faster", email=f"faster-{unique}@example.com")
    assert taken.status_code == 201, taken.text
    booking.fill_contact(f"Slow {unique}", f"slow-{unique}@example.com")
    booking.book_button.click()
    expect(booking.error).to_be_visible()
    expect(booking.error).to_have_attribute("data-code", "slot_unavailable")
    expect(booking.error).to_contain_text("choose another time")
    expect(booking.book_button).to_be_enabled()
    # The list is reloaded: the taken time is no longer offered.
    expect(page.locator(f'[data-testid="slot"][value="{start}"]')).to_have_count(0)


def test_a_rule_violation_from_the_api_is_shown_inline(
    page: Page, target: Target, api: BookingApi, unique: str
) -> None:
    """A start the page never offered (03:00, outside working hours) is refused by the API with
    its rule code, and the page says why."""
    service = service_id(target, "standard")
    tz = service_zone(api, service)
    later = free_slots(api, service, datetime.now(tz).date() + timedelta(days=2))
    assert later, "no free standard slot in the coming month"
    booking = BookingPage(page).open(service)
    booking.choose_day(local_day(later[0]["startTime"], tz))
    booking.choose_slot(0)
    night = datetime.fromisoformat(later[0]["startTime"]).astimezone(tz).replace(hour=3, minute=0)
    page.get_by_test_id("slot").first.evaluate(
        "(input, value) => { input.value = value; }", night.isoformat()
    )
    booking.fill_contact(f"Night Owl {unique}", f"owl-{unique}@example.com")
    booking.book_button.click()
    expect(booking.error).to_have_attribute("data-code", "outside_working_hours")
    expect(booking.error).to_contain_text("outside working hours")


@pytest.mark.parametrize("code", BOOKING_RULE_CODES)
def test_every_rule_code_gets_an_inline_message(page: Page, target: Target, code: str) -> None:
    """Each 422 rule code the API can give is shown with the API's message (answers stubbed)."""
    message = f"Refused by rule {code}."

    def refuse(route: Route) -> None:
        body = {"error": {"code": code, "message": message}}
        route.fulfill(status=422, content_type="application/json", body=json.dumps(body))

    page.route("**/services/*/book", refuse)
    booking = BookingPage(page).open(service_id(target, "callout"))
    booking.choose_slot(0)
    booking.fill_contact("Rule Tester", "rules@example.com")
    booking.book_button.click()
    expect(booking.error).to_have_attribute("data-code", code)
    expect(booking.error).to_contain_text(message)
    expect(booking.confirmation).to_be_hidden()


def test_unknown_service_shows_a_friendly_not_found_page(page: Page) -> None:
    response = page.goto(f"/book/{uuid.uuid4()}")
    assert response is not None and response.status == 404
    booking = BookingPage(page)
    expect(booking.not_found).to_be_visible()
    expect(booking.not_found).to_contain_text("not taking bookings")


def test_booking_page_screenshots(form_factor: str, device_page: Page, target: Target) -> None:
    booking = BookingPage(device_page).open(service_id(target, "consultation"))
    booking.choose_slot(1)
    booking.fill_contact("Ada Lovelace", "ada@example.com", phone="+1 555 0100")
    device_page.evaluate("document.activeElement.blur()")
    assert_no_sideways_scroll(device_page)
    screenshot(device_page, f"booking-{form_factor}")
