"""Suite 8, performance: the booking page and the calendar timed in the browser (Navigation
Timing, LCP, CLS) and the booking's submit-to-confirmation, unthrottled and under CDP throttling
(4x CPU, slow-3G-like network), against e2e/performance_budget.json; then a burst of clients
booking different slots at once: all confirmed, submit-to-confirmation p95 within budget.
Figures go to performance.{json,md} in the report folder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.page_checks import sign_in
from e2e.page_objects.booking_page import BookingPage
from e2e.page_timing import (
    PerformanceReport,
    load_budget,
    over_budget,
    percentile,
    read_timings,
    submit_to_confirmation_ms,
    throttle,
    watch_submit,
)
from e2e.request_barrier import Barrier
from e2e.scenario import free_slots, local_day, service_id, service_zone
from harness.adapters.reference_client import BookingApi
from harness.target import Target

pytestmark = pytest.mark.suite8

CONDITIONS = ("unthrottled", "throttled")


@pytest.fixture(scope="module")
def budget() -> dict[str, Any]:
    return load_budget()


@pytest.fixture(scope="module")
def performance(pytestconfig: pytest.Config) -> Iterator[PerformanceReport]:
    report = PerformanceReport()
    yield report
    report.write(Path(str(pytestconfig.getoption("--e2e-report-dir"))))


def prepare(page: Page, condition: str, browser_name: str) -> None:
    if condition == "throttled":
        if browser_name != "chromium":
            pytest.skip(f"CDP throttling exists only in Chromium, not {browser_name}")
        throttle(page)


@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize("which", ["booking", "calendar"])
def test_page_performance_within_budget(
    page: Page,
    browser_name: str,
    which: str,
    condition: str,
    target: Target,
    budget: dict[str, Any],
    performance: PerformanceReport,
) -> None:
    if which == "calendar":
        if not target.has_admin:
            pytest.skip("the target names no admin credentials")
        sign_in(page, target)
        prepare(page, condition, browser_name)
        page.goto("/schedule?view=week")
        expect(page.get_by_test_id("calendar")).to_be_visible()
    else:
        prepare(page, condition, browser_name)
        BookingPage(page).open(service_id(target, "standard")).wait_for_slots()
    figures = read_timings(page)
    limits = {k: v for k, v in budget[condition].items() if k != "submitToConfirmationMs"}
    performance.add(which, condition, figures, limits)
    assert figures["loadMs"] and figures["loadMs"] > 0, f"no navigation timing: {figures}"
    assert over_budget(figures, limits) == [], f"{which} page, {condition}: over budget"


@pytest.mark.parametrize("condition", CONDITIONS)
def test_submit_to_confirmation_within_budget(
    page: Page,
    browser_name: str,
    condition: str,
    target: Target,
    budget: dict[str, Any],
    performance: PerformanceReport,
    unique: str,
) -> None:
    prepare(page, condition, browser_name)
    booking = BookingPage(page).open(service_id(target, "callout"))
    booking.choose_slot(0)
    booking.fill_contact(f"Timed {unique}", f"timed-{condition}-{unique}@example.com")
    watch_submit(page)
    booking.book_button.click()
    expect(booking.confirmation).to_be_visible(timeout=30_000)
    figures: dict[str, float | None] = {"submitToConfirmationMs": submit_to_confirmation_ms(page)}
    limits = {"submitToConfirmationMs": budget[condition]["submitToConfirmationMs"]}
    performance.add("booking submit", condition, figures, limits)
    assert over_budget(figures, limits) == [], f"booking, {condition}: over budget"


def test_burst_of_clients_all_confirmed(
    new_context: Any,
    target: Target,
    api: BookingApi,
    budget: dict[str, Any],
    performance: PerformanceReport,
    unique: str,
) -> None:
    service = service_id(target, "callout")
    tz = service_zone(api, service)
    clients = int(budget["burst"]["clients"])
    day = datetime.now(tz).date() + timedelta(days=3)
    slots = [s["startTime"] for s in free_slots(api, service, day, 1)][:clients]
    assert len(slots) == clients, f"{len(slots)} free call-out slots on {day}, {clients} needed"
    barrier = Barrier(clients)
    pages = []
    for number, start in enumerate(slots):
        page = new_context().new_page()
        page.route(f"**/services/{service}/book", barrier.hold)
        booking = BookingPage(page).open(service)
        booking.choose_day(local_day(start, tz))
        page.locator(f'[data-testid="slot"][value="{start}"]').check()
        booking.fill_contact(f"Burst {unique}", f"burst{number}-{unique}@example.com")
        watch_submit(page)
        pages.append(booking)
    for booking in pages:
        booking.book_button.click()
    barrier.wait_and_release(pages[0].page)
    for booking in pages:
        expect(booking.confirmation).to_be_visible(timeout=30_000)
    times = [submit_to_confirmation_ms(booking.page) for booking in pages]
    p95 = percentile(times, 0.95)
    figures: dict[str, float | None] = {"submitToConfirmationP95Ms": p95, "slowestMs": max(times)}
    limits = {"submitToConfirmationP95Ms": budget["burst"]["submitToConfirmationP95Ms"]}
    performance.add(f"burst of {clients}", "unthrottled", figures, limits)
    assert over_budget(figures, limits) == [], f"burst of {clients}: over budget ({sorted(times)})"
