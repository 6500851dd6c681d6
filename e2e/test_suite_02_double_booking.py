"""Suite 2, double-booking prevention: clients in separate browser contexts submitting the same
last free slot together get one confirmation between them; a slot taken meanwhile is reported
and no longer offered; a pending booking blocks its slot for the next client and for an admin."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.page_objects.booking_page import BookingPage
from e2e.page_objects.schedule_page import SchedulePage
from e2e.request_barrier import Barrier
from e2e.scenario import book_first_free, free_slots, jobs_for, local_day, service_id, service_zone
from harness.adapters.reference_client import BookingApi
from harness.target import Target

pytestmark = pytest.mark.suite2

# Clients racing for one slot of capacity 1, each in its own browser context.
RACERS = 4


def racing_page(context: BrowserContext, service: str, barrier: Barrier) -> BookingPage:
    page = context.new_page()
    page.route(f"**/services/{service}/book", barrier.hold)
    return BookingPage(page).open(service)


def test_two_clients_racing_for_the_last_slot_get_one_booking(
    new_context: Any, target: Target, api: BookingApi, unique: str
) -> None:
    service = service_id(target, "standard")  # one place per slot
    tz = service_zone(api, service)
    barrier = Barrier(RACERS)
    pages = [racing_page(new_context(), service, barrier) for _ in range(RACERS)]
    start = pages[0].choose_slot(0)
    emails = [f"racer{n}-{unique}@example.com" for n in range(RACERS)]
    for booking, email in zip(pages, emails, strict=True):
        booking.choose_day(local_day(start, tz))
        booking.page.locator(f'[data-testid="slot"][value="{start}"]').check()
        booking.fill_contact(f"Racer {unique}", email)
        booking.book_button.click()
    barrier.wait_and_release(pages[0].page)

    for booking in pages:
        expect(booking.confirmation.or_(booking.error).filter(visible=True)).to_have_count(1)
    confirmed = [b for b in pages if b.confirmation.is_visible()]
    refused = [b for b in pages if b.error.is_visible()]
    stored = [job for email in emails for job in jobs_for(api, email, local_day(start, tz))]
    assert len(confirmed) == 1 and len(stored) == 1, (
        f"{len(confirmed)} of {RACERS} clients were confirmed for {start} and {len(stored)} jobs "
        f"stored: {[(job['id'], job['contact']['email']) for job in stored]}"
    )
    for booking in refused:
        expect(booking.error).to_have_attribute("data-code", "slot_unavailable")
        expect(booking.error).to_contain_text("choose another time")
    assert confirmed[0].reference.inner_text() == stored[0]["id"]


def test_a_slot_taken_meanwhile_shows_the_conflict(
    page: Page, target: Target, api: BookingApi, unique: str
) -> None:
    service = service_id(target, "standard")
    booking = BookingPage(page).open(service)
    start = booking.choose_slot(0)
    taken = api.book(service, start, name="Someone Faster", email=f"faster-{unique}@example.com")
    assert taken.status_code == 201, taken.text
    booking.fill_contact(f"Slow {unique}", f"slow-{unique}@example.com")
    booking.book_button.click()
    expect(booking.error).to_have_attribute("data-code", "slot_unavailable")
    expect(booking.error).to_contain_text("choose another time")
    expect(booking.book_button).to_be_enabled()
    # The list is reloaded: the taken time is no longer offered.
    expect(page.locator(f'[data-testid="slot"][value="{start}"]')).to_have_count(0)


def test_a_pending_booking_blocks_its_slot_for_the_next_client(
    page: Page, target: Target, api: BookingApi, unique: str
) -> None:
    """A consultation waiting for confirmation holds its time: the next client is not offered
    it, and forcing it is refused as taken."""
    service = service_id(target, "consultation")
    tz = service_zone(api, service)
    pending = book_first_free(api, service, name=f"First {unique}", email=f"first-{unique}@example.com")
    assert pending["status"] == "pending-confirmation"
    day = local_day(pending["startTime"], tz)
    booking = BookingPage(page).open(service)
    booking.choose_day(day)
    expect(booking.slots_status).not_to_have_text("Loading free times…")
    offered = [booking.slots.nth(i).get_attribute("value") for i in range(booking.slots.count())]
    assert not [v for v in offered if v and same_instant(v, pending["startTime"])], "pending slot offered"

    other_day = free_slots(api, service, datetime.now(tz).date() + timedelta(days=1))
    booking.choose_day(local_day(other_day[0]["startTime"], tz))
    booking.choose_slot(0)
    booking.slots.first.evaluate("(input, value) => { input.value = value; }", pending["startTime"])
    email = f"second-{unique}@example.com"
    booking.fill_contact(f"Second {unique}", email)
    booking.book_button.click()
    expect(booking.error).to_have_attribute("data-code", "slot_unavailable")
    assert jobs_for(api, email, day) == []


def test_admin_job_over_a_pending_booking_gets_the_conflict(
    signed_in: Page, target: Target, api: BookingApi, tz: Any, unique: str
) -> None:
    pending = book_first_free(
        api, service_id(target, "consultation"), name=f"Waiting {unique}", email=f"w-{unique}@example.com"
    )
    start = datetime.fromisoformat(pending["startTime"]).astimezone(tz)
    schedule = SchedulePage(signed_in).open("week", start.date().isoformat())
    schedule.fill_new_job(
        f"Admin over pending {unique}",
        start.date().isoformat(),
        start.strftime("%H:%M"),
        (start + timedelta(minutes=30)).strftime("%H:%M"),
    )
    schedule.create_job.click()
    expect(schedule.error).to_have_attribute("data-code", "job_conflict")
    expect(schedule.conflicts).to_have_count(1)
    expect(schedule.conflicts.first).to_contain_text(f"Waiting {unique}")


def same_instant(left: str, right: str) -> bool:
    def parse(value: str) -> datetime:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))

    return parse(left) == parse(right)
