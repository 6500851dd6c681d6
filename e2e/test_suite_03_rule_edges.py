"""Suite 3, business rules at their edges: where an off-by-one lives. The last start of a
working day (ending exactly at closing) and the last day of the advance window are offered and
book; the earliest start the minimum notice allows is offered, and one inside the notice is
refused with its code. Each case makes a service with the settings it needs, so the edge is
known exactly."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.page_objects.booking_page import BookingPage
from e2e.scenario import jobs_for, service_zone
from e2e.test_suite_03_business_rules import (
    SUBMIT_MARGIN,
    all_day,
    assert_refused,
    force_booking,
    next_five_minutes,
    offered_starts,
)
from harness.adapters.reference_client import BookingApi

pytestmark = pytest.mark.suite3


def book_offered(page: Page, booking: BookingPage, api: BookingApi, start: datetime, email: str) -> None:
    """Book the offered time `start` (in the business's zone, so its date is the local day) by
    clicking it; the page confirms and the job is stored."""
    booking.slots.nth(offered_starts(booking).index(start)).check()
    booking.fill_contact("Edge Tester", email)
    booking.book_button.click()
    # Whichever answer the page shows first: the confirmation, or the refusal and its code.
    answer = "[data-testid=booking-confirmation]:visible, [data-testid=booking-error]:visible"
    expect(page.locator(answer)).to_have_count(1)
    if booking.error.is_visible():
        code = booking.error.get_attribute("data-code")
        raise AssertionError(
            f"the offered time {start:%Y-%m-%d %H:%M} was refused: {code}: {booking.error.inner_text()}"
        )
    stored = jobs_for(api, email, start.date().isoformat())
    assert [datetime.fromisoformat(j["startTime"]) for j in stored] == [start], stored


def test_the_last_start_of_a_working_day_is_offered_and_books(
    page: Page, api: BookingApi, make_service: Any, unique: str
) -> None:
    """09:00-17:00, an hour long, every half hour: 16:00 ends at closing and is offered; 16:30
    would end after it and is not."""
    hours = {day: [{"start": "09:00", "end": "17:00"}] for day in all_day()}
    service = make_service("closing", 60, workingHours=hours, slotIntervalMinutes=30)
    tz = service_zone(api, service["id"])
    day = datetime.now(tz).date() + timedelta(days=2)
    booking = BookingPage(page).open(service["id"])
    booking.choose_day(day.isoformat())
    booking.wait_for_slots()
    starts = [start.astimezone(tz) for start in offered_starts(booking)]
    local = [start.strftime("%H:%M") for start in starts]
    assert local and local[0] == "09:00" and local[-1] == "16:00", f"offered {local}"
    assert len(local) == 15, f"every half hour from 09:00 to 16:00 is offered, got {local}"
    book_offered(page, booking, api, starts[-1], f"closing-{unique}@example.com")


def test_the_last_day_of_the_advance_window_is_offered_and_books(
    page: Page, api: BookingApi, make_service: Any, unique: str
) -> None:
    """Open all day, three days ahead at most: the third day from today is the picker's last,
    offers its times, and books; the fourth offers nothing."""
    service = make_service("window-edge", 30, workingHours=all_day(), advanceBookingDays=3)
    tz = service_zone(api, service["id"])
    last = datetime.now(tz).date() + timedelta(days=3)
    booking = BookingPage(page).open(service["id"])
    expect(booking.date_picker).to_have_attribute("max", last.isoformat())
    booking.choose_day(last.isoformat())
    booking.wait_for_slots()
    starts = [start.astimezone(tz) for start in offered_starts(booking)]
    local = [start.strftime("%H:%M") for start in starts]
    assert local[0] == "00:00" and local[-1] == "23:30", f"offered {local}"
    assert all(start.date() == last for start in starts), f"offered {starts}"
    book_offered(page, booking, api, starts[-1], f"window-edge-{unique}@example.com")
    booking = BookingPage(page).open(service["id"])
    booking.choose_day((last + timedelta(days=1)).isoformat())
    expect(booking.slots).to_have_count(0)


def test_the_minimum_notice_offers_its_earliest_start_and_refuses_inside_it(
    page: Page, api: BookingApi, make_service: Any, unique: str
) -> None:
    """Open all day, every five minutes, three hours' notice: the first time offered is the
    first five-minute start at least three hours ahead; a start an hour and a half ahead,
    forced into the request, is refused as too soon."""
    notice = timedelta(hours=3)
    service = make_service(
        "notice", 15, workingHours=all_day(), slotIntervalMinutes=5, minimumNoticeMinutes=180
    )
    tz = service_zone(api, service["id"])
    before = datetime.now(tz)
    booking = BookingPage(page).open(service["id"])
    earliest = next_five_minutes(before + notice)
    booking.choose_day(earliest.date().isoformat())
    booking.wait_for_slots()
    after = datetime.now(tz)
    first = offered_starts(booking)[0].astimezone(tz)
    # The page asked for its times between `before` and `after`: the earliest it could offer.
    # A minute either way for the target's clock.
    slack = timedelta(minutes=1)
    assert next_five_minutes(before + notice - slack) <= first <= next_five_minutes(after + notice + slack), (
        f"first offered {first:%H:%M}, the notice allows {earliest:%H:%M}"
    )
    too_soon = next_five_minutes(datetime.now(tz) + notice / 2 + SUBMIT_MARGIN)
    email = f"notice-{unique}@example.com"
    force_booking(page, booking, too_soon, email)
    assert_refused(page, booking, api, "under_minimum_notice", email, too_soon.date().isoformat())
