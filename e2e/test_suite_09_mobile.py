"""Suite 9, mobile: on emulated phones (an iPhone and an Android phone from Playwright's device
list, touch on) the booking flow completes by tapping, nothing scrolls sideways, tap targets
are at least 24x24 CSS px, and an axe-core scan (rule target-size on) finds no serious or
critical violation on either page, on the desktop and on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, Playwright, expect

from e2e.page_checks import assert_badge, assert_no_sideways_scroll, colour_of, sign_in
from e2e.page_objects.booking_page import BookingPage
from e2e.page_objects.schedule_page import SchedulePage
from e2e.scenario import local_day, service_id
from harness.target import Target

pytestmark = pytest.mark.suite9

PHONES = ("iPhone 13", "Pixel 7")
MIN_TARGET_PX = 24
PAGES = ("booking", "schedule", "schedule-month")
SERIOUS = ("serious", "critical")

# Every control a finger may aim at. A radio or checkbox counts with its label (the label is
# what takes the tap); a link inside running text is exempt, as WCAG 2.2's target-size says.
SMALL_TARGETS_JS = """
(minimum) => {
  const found = [];
  const controls = document.querySelectorAll(
    'button, a[href], input:not([type=hidden]), select, textarea, summary, [role=button]');
  for (const control of controls) {
    const style = getComputedStyle(control);
    if (style.visibility === 'hidden' || control.closest('[hidden]')) continue;
    let target = control;
    if (control.type === 'radio' || control.type === 'checkbox') target = control.closest('label') || control;
    if (control.tagName === 'A' && control.closest('p, li, dd') &&
        control.closest('p, li, dd').textContent.trim() !== control.textContent.trim()) continue;
    const box = target.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width < minimum || box.height < minimum) {
      found.push(`${control.outerHTML.slice(0, 80)} is ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return found;
}
"""


def phone_options(playwright: Playwright, name: str) -> dict[str, Any]:
    descriptor = dict(playwright.devices[name])
    descriptor.pop("default_browser_type", None)  # the device's screen and touch, on this engine
    assert descriptor.get("has_touch"), f"{name} is not a touch device"
    return descriptor


@pytest.fixture(params=PHONES)
def phone_page(request: pytest.FixtureRequest, new_context: Any, playwright: Playwright) -> Page:
    page: Page = new_context(**phone_options(playwright, str(request.param))).new_page()
    return page


def test_booking_by_tapping_on_a_phone(phone_page: Page, target: Target, unique: str) -> None:
    booking = BookingPage(phone_page).open(service_id(target, "standard"))
    booking.wait_for_slots()
    assert_no_sideways_scroll(phone_page)
    booking.book_first_free(f"Thumb {unique}", f"thumb-{unique}@example.com", by_tap=True)
    expect(booking.confirmation_status).to_have_text("Your booking is confirmed")
    assert_no_sideways_scroll(phone_page)


def test_the_calendar_works_on_a_phone(
    phone_page: Page, target: Target, pending_job: dict[str, Any], tz: Any
) -> None:
    if not target.has_admin:
        pytest.skip("the target names no admin credentials")
    schedule = sign_in(phone_page, target)
    day = local_day(pending_job["startTime"], tz)
    assert_badge(schedule, pending_job, day, "pending-confirmation")
    assert_no_sideways_scroll(phone_page)
    schedule.chip(pending_job["id"]).tap()
    expect(schedule.panel).to_have_attribute("data-job-id", pending_job["id"])
    schedule.action("confirm").tap()
    expect(schedule.panel).to_have_attribute("data-status", "scheduled")
    assert colour_of(schedule.badge(pending_job["id"])) == "blue"
    assert_no_sideways_scroll(phone_page)


def visit(page: Page, which: str, target: Target, pending_job: dict[str, Any], tz: Any) -> None:
    if which == "booking":
        BookingPage(page).open(service_id(target, "consultation")).wait_for_slots()
        return
    if not target.has_admin:
        pytest.skip("the target names no admin credentials")
    sign_in(page, target)
    view = "month" if which == "schedule-month" else "week"
    schedule = SchedulePage(page).open(view, local_day(pending_job["startTime"], tz), job=pending_job["id"])
    expect(schedule.panel).to_be_visible()


@pytest.mark.parametrize("which", PAGES)
def test_tap_targets_are_large_enough(
    phone_page: Page, which: str, target: Target, pending_job: dict[str, Any], tz: Any
) -> None:
    visit(phone_page, which, target, pending_job, tz)
    small = phone_page.evaluate(SMALL_TARGETS_JS, MIN_TARGET_PX)
    assert small == [], f"tap targets under {MIN_TARGET_PX} px on the {which} page: {small}"


@pytest.mark.parametrize("which", PAGES)
def test_no_serious_accessibility_violations(
    form_factor: str, device_page: Page, which: str, target: Target, pending_job: dict[str, Any], tz: Any
) -> None:
    visit(device_page, which, target, pending_job, tz)
    options = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
    results = Axe().run(device_page, options=options)
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    details = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in serious
    ]
    assert details == [], f"axe on the {which} page ({form_factor}): {details}"
