"""Suite 1, public booking flow: the page describes the service, offers only the advance
window's days and the API's free times in the business's zone, completes a booking with the
right wording, and the job appears on the admin calendar."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect

from e2e.page_checks import assert_no_sideways_scroll, clock_label, plain_spaces, sign_in
from e2e.page_objects.booking_page import BookingPage
from e2e.scenario import jobs_for, local_day, screenshot, service_id, service_zone
from harness.adapters import reference_paths
from harness.adapters.reference_client import BookingApi
from harness.target import Target

pytestmark = pytest.mark.suite1


def public_service(api: BookingApi, service: str) -> dict[str, Any]:
    response = api.service(service)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_page_shows_service_duration_business_and_zone(page: Page, target: Target, api: BookingApi) -> None:
    service = service_id(target, "consultation")
    described = public_service(api, service)
    booking = BookingPage(page).open(service)
    expect(booking.service_name).to_have_text(described["name"])
    expect(page.get_by_test_id("service-duration")).to_have_text(f"{described['durationMinutes']} minutes")
    expect(page.get_by_test_id("business-name")).to_have_text(described["businessName"])
    expect(booking.time_zone).to_have_text(described["timeZone"])
    expect(booking.zone_note).to_contain_text(described["timeZone"])


def test_only_days_in_the_advance_window_can_be_picked(page: Page, target: Target, api: BookingApi) -> None:
    """The picker's first and last days are the window's (today dropped when same-day is off),
    and a day outside it offers no time."""
    service = service_id(target, "consultation")
    settings = public_service(api, service)["bookingSettings"]
    tz = service_zone(api, service)
    today = datetime.now(tz).date()
    first = today if settings["sameDayBooking"] else today + timedelta(days=1)
    last = today + timedelta(days=settings["advanceBookingDays"])
    booking = BookingPage(page).open(service)
    expect(booking.date_picker).to_have_attribute("min", first.isoformat())
    expect(booking.date_picker).to_have_attribute("max", last.isoformat())
    beyond = last + timedelta(days=1)
    booking.choose_day(beyond.isoformat())
    expect(booking.slots).to_have_count(0)
    expect(booking.slots_status).to_contain_text("No free times")


def test_free_times_are_the_availability_api_in_the_business_zone(
    page: Page, target: Target, api: BookingApi
) -> None:
    service = service_id(target, "standard")
    tz = service_zone(api, service)
    booking = BookingPage(page).open(service)
    booking.wait_for_slots()
    day = date.fromisoformat(booking.date_picker.input_value())
    response = api.availability(service, day, day)
    assert response.status_code == 200, response.text
    expected = [slot["startTime"] for slot in response.json()["slots"] if slot["remaining"] > 0]
    shown = [booking.slots.nth(i).get_attribute("value") for i in range(booking.slots.count())]
    assert [normal(v or "") for v in shown] == [normal(v) for v in expected]
    labels = [plain_spaces(booking.slot_labels.nth(i).inner_text()) for i in range(booking.slots.count())]
    assert labels == [clock_label(start, tz) for start in expected]


def normal(instant: str) -> datetime:
    return datetime.fromisoformat(instant.replace("Z", "+00:00"))


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


def test_book_a_slot_end_to_end(
    form_factor: str, device_page: Page, target: Target, api: BookingApi, unique: str
) -> None:
    """Choose a time, fill in the form, double-click Book: one booking, pending, and the
    confirmation names its date, time and zone."""
    service = service_id(target, "consultation")
    tz = service_zone(api, service)
    booking = BookingPage(device_page).open(service)
    start = booking.choose_slot(0)
    email = f"e2e-{unique}@example.com"
    booking.fill_contact(f"Client {unique}", email, phone="+1 555 0100", notes="Gate code 42")
    posts: list[Request] = []

    def record(request: Request) -> None:
        posts.append(request)

    device_page.on("request", record)

    booking.book_button.dblclick()

    expect(booking.confirmation).to_be_visible()
    expect(booking.form).to_be_hidden()
    bookings = [r for r in posts if r.method == "POST" and r.url.endswith(reference_paths.booking(service))]
    assert len(bookings) == 1, "a double click must send one booking"
    assert bookings[0].headers.get("idempotency-key")
    (job,) = jobs_for(api, email, local_day(start, tz))
    assert (job["status"], job["startTime"]) == ("pending-confirmation", start.replace("+00:00", "Z"))
    expect(booking.reference).to_have_text(job["id"])
    local = datetime.fromisoformat(start).astimezone(tz)
    detail = device_page.get_by_test_id("confirmation-detail")
    expect(detail).to_contain_text(f"{local:%A}, {local:%B} {local.day}, {local.year}")
    assert plain_spaces(detail.inner_text()).count(clock_label(start, tz)) == 1
    expect(detail).to_contain_text(f"({tz.key} time)")
    assert_no_sideways_scroll(device_page)
    screenshot(device_page, f"booking-confirmed-{form_factor}")


def test_instant_service_says_confirmed(page: Page, target: Target, api: BookingApi, unique: str) -> None:
    """An instant service's booking says "confirmed" (a pending one "pending confirmation")."""
    booking = BookingPage(page).open(service_id(target, "standard"))
    expect(page.get_by_test_id("service-confirmation")).to_have_text("Instant")
    booking.choose_slot(0)
    booking.fill_contact(f"Instant {unique}", f"instant-{unique}@example.com")
    booking.book_button.click()
    expect(booking.confirmation_status).to_have_text("Your booking is confirmed")
    expect(booking.confirmation).to_have_attribute("data-status", "scheduled")

    pending = BookingPage(page).open(service_id(target, "consultation"))
    expect(page.get_by_test_id("service-confirmation")).to_have_text("The business confirms each booking")
    pending.choose_slot(0)
    pending.fill_contact(f"Pending {unique}", f"pending-{unique}@example.com")
    pending.book_button.click()
    expect(pending.confirmation_status).to_have_text("Your booking is pending confirmation")
    expect(pending.confirmation).to_have_attribute("data-status", "pending-confirmation")


def test_booked_job_appears_on_the_admin_calendar(
    new_context: Any, page: Page, target: Target, api: BookingApi, unique: str
) -> None:
    """The client books in one context; the admin, signed in in another, sees the job."""
    if not target.has_admin:
        pytest.skip("the target names no admin credentials")
    service = service_id(target, "standard")
    tz = service_zone(api, service)
    booking = BookingPage(page).open(service)
    start = booking.choose_slot(0)
    booking.fill_contact(f"Calendar {unique}", f"cal-{unique}@example.com")
    booking.book_button.click()
    expect(booking.confirmation).to_be_visible()
    job_id = booking.reference.inner_text()

    schedule = sign_in(new_context().new_page(), target)
    schedule.open("day", local_day(start, tz))
    expect(schedule.chip(job_id)).to_have_attribute("data-status", "scheduled")
    expect(schedule.chip(job_id)).to_contain_text(f"Calendar {unique}")


def test_unknown_service_shows_a_friendly_not_found_page(page: Page) -> None:
    response = page.goto(f"/book/{uuid.uuid4()}")
    assert response is not None and response.status == 404
    booking = BookingPage(page)
    expect(booking.not_found).to_be_visible()
    expect(booking.not_found).to_contain_text("not taking bookings")


def test_booking_page_screenshots(form_factor: str, device_page: Page, target: Target) -> None:
    booking = BookingPage(device_page).open(service_id(target, "consultation"))
    booking.choose_slot(0)  # the page opens on a day with at least one free time
    booking.fill_contact("Ada Lovelace", "ada@example.com", phone="+1 555 0100")
    device_page.evaluate("document.activeElement.blur()")
    assert_no_sideways_scroll(device_page)
    screenshot(device_page, f"booking-{form_factor}")
