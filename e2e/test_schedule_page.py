"""The scheduling page in a browser: status colours in every view, confirm, decline with a
reason, the other lifecycle moves, the create form's conflict list, API errors and escaping."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.colours import STATUS_COLOURS, colour_name
from e2e.page_objects.login_page import LoginPage
from e2e.page_objects.schedule_page import SchedulePage
from e2e.scenario import (
    book_first_free,
    create_free_job,
    fetch_job,
    local_day,
    service_id,
    service_zone,
)
from harness.api_client import BookingApi
from harness.target import Target

VIEWS = ("day", "week", "month")
XSS_NAME = "<script>alert(1)</script>"
XSS_NOTES = '<img src=x onerror="alert(2)">'


def colour_of(locator: Any) -> str:
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


@pytest.fixture
def pending_job(target: Target, api: BookingApi, unique: str) -> dict[str, Any]:
    return book_first_free(
        api, service_id(target, "consultation"), name=f"Pending {unique}", email=f"p-{unique}@example.com"
    )


@pytest.fixture
def tz(target: Target, api: BookingApi) -> Any:
    return service_zone(api, service_id(target, "standard"))


def test_pending_job_is_orange_everywhere_and_confirm_turns_it_blue(
    signed_in: Page, api: BookingApi, pending_job: dict[str, Any], tz: Any
) -> None:
    schedule = SchedulePage(signed_in)
    day = local_day(pending_job["startTime"], tz)
    assert_badge(schedule, pending_job, day, "pending-confirmation")

    schedule.chip(pending_job["id"]).click()
    expect(schedule.panel).to_have_attribute("data-job-id", pending_job["id"])
    expect(schedule.action("confirm")).to_be_visible()
    expect(schedule.action("decline")).to_be_visible()
    for hidden in ("start", "complete", "cancel"):
        expect(schedule.action(hidden)).to_have_count(0)

    schedule.act("confirm")
    expect(schedule.notice).to_have_text("Job confirmed.")
    expect(schedule.panel).to_have_attribute("data-status", "scheduled")
    expect(schedule.action("start")).to_be_visible()
    expect(schedule.action("cancel")).to_be_visible()
    expect(schedule.action("confirm")).to_have_count(0)
    assert fetch_job(api, pending_job["id"])["status"] == "scheduled"
    assert_badge(schedule, pending_job, day, "scheduled")


def test_decline_asks_for_a_reason(
    signed_in: Page, api: BookingApi, pending_job: dict[str, Any], tz: Any
) -> None:
    schedule = SchedulePage(signed_in)
    day = local_day(pending_job["startTime"], tz)
    schedule.open("week", day, job=pending_job["id"])
    schedule.action("decline").click()  # no reason: the browser keeps the form
    expect(schedule.reason("decline")).to_have_js_property("validity.valid", False)
    assert fetch_job(api, pending_job["id"])["status"] == "pending-confirmation"

    schedule.act("decline", reason="Fully booked that week")
    expect(schedule.notice).to_have_text("Job declined.")
    expect(schedule.panel_decline_reason).to_have_text("Fully booked that week")
    job = fetch_job(api, pending_job["id"])
    assert (job["status"], job["declineReason"]) == ("cancelled", "Fully booked that week")
    assert_badge(schedule, pending_job, day, "cancelled")


def test_start_complete_and_cancel_where_the_lifecycle_allows(
    signed_in: Page, api: BookingApi, tz: Any, unique: str
) -> None:
    schedule = SchedulePage(signed_in)
    day = datetime.now(tz).date() + timedelta(days=3)
    work = create_free_job(api, f"Install {unique}", day, tz)
    other = create_free_job(api, f"Survey {unique}", day, tz)
    schedule.open("day", day.isoformat(), job=work["id"])
    schedule.act("start")
    expect(schedule.panel).to_have_attribute("data-status", "in-progress")
    expect(schedule.action("complete")).to_be_visible()
    expect(schedule.action("cancel")).to_have_count(0)
    assert colour_of(schedule.badge(work["id"])) == "yellow"
    schedule.act("complete")
    expect(schedule.panel).to_have_attribute("data-status", "completed")
    expect(signed_in.get_by_test_id("no-actions")).to_be_visible()
    assert colour_of(schedule.badge(work["id"])) == "green"

    schedule.open("day", day.isoformat(), job=other["id"])
    schedule.act("cancel", reason="Customer moved away")
    expect(schedule.panel).to_have_attribute("data-status", "cancelled")
    assert colour_of(schedule.badge(other["id"])) == "red"
    assert fetch_job(api, other["id"])["cancelReason"] == "Customer moved away"


def test_create_shows_the_conflict_with_the_jobs_it_overlaps(
    signed_in: Page, api: BookingApi, tz: Any, unique: str
) -> None:
    day = datetime.now(tz).date() + timedelta(days=4)
    existing = create_free_job(api, f"Boiler service {unique}", day, tz)
    start = datetime.fromisoformat(existing["startTime"]).astimezone(tz)
    schedule = SchedulePage(signed_in).open("week", day.isoformat())
    schedule.fill_new_job(
        f"Overlapping {unique}",
        day.isoformat(),
        (start + timedelta(minutes=15)).strftime("%H:%M"),
        (start + timedelta(minutes=45)).strftime("%H:%M"),
    )
    schedule.create_job.click()
    expect(schedule.error).to_have_attribute("data-code", "job_conflict")
    expect(schedule.error).to_contain_text("conflicts with existing job")
    expect(schedule.conflicts).to_have_count(1)
    expect(schedule.conflicts.first).to_contain_text(f"Boiler service {unique}")
    expect(schedule.job_title).to_have_value(f"Overlapping {unique}")  # what was typed is kept

    schedule.job_start.fill((start + timedelta(hours=2)).strftime("%H:%M"))
    schedule.job_end.fill((start + timedelta(hours=2, minutes=30)).strftime("%H:%M"))
    schedule.create_job.click()
    expect(schedule.notice).to_have_text("Job created.")
    expect(schedule.panel_title).to_have_text(f"Overlapping {unique}")


def test_an_api_refusal_is_shown_not_swallowed(
    signed_in: Page, api: BookingApi, pending_job: dict[str, Any], tz: Any
) -> None:
    schedule = SchedulePage(signed_in)
    schedule.open("day", local_day(pending_job["startTime"], tz), job=pending_job["id"])
    # Someone else confirms it meanwhile; this page still offers decline.
    assert api.act(pending_job["id"], "confirm").status_code == 200
    schedule.act("decline", reason="Too late")
    expect(schedule.error).to_have_attribute("data-code", "invalid_transition")
    expect(schedule.error).to_contain_text("Cannot decline a job that is scheduled.")
    expect(schedule.panel).to_have_attribute("data-status", "scheduled")


def test_a_script_in_a_contact_name_is_shown_as_text(
    signed_in: Page, dialogs: list[str], target: Target, api: BookingApi, tz: Any, unique: str
) -> None:
    job = book_first_free(
        api,
        service_id(target, "consultation"),
        name=XSS_NAME,
        email=f"xss-{unique}@example.com",
        notes=XSS_NOTES,
    )
    schedule = SchedulePage(signed_in)
    day = local_day(job["startTime"], tz)
    for view in VIEWS:
        schedule.open(view, day, job=job["id"])
        expect(schedule.chip(job["id"]).get_by_test_id("job-title")).to_contain_text(XSS_NAME)
        expect(schedule.panel_contact_name).to_have_text(XSS_NAME)
        expect(schedule.panel_notes).to_have_text(XSS_NOTES)
        assert signed_in.locator("script").count() == 0
        assert signed_in.locator("img[src=x]").count() == 0
    assert dialogs == []


def test_navigation_moves_between_days_weeks_and_months(signed_in: Page, tz: Any) -> None:
    schedule = SchedulePage(signed_in).open("week", "2030-01-09")
    expect(schedule.title).to_have_text("7 \u2013 13 January 2030")
    schedule.next.click()
    expect(schedule.title).to_have_text("14 \u2013 20 January 2030")
    schedule.view_link("month").click()
    expect(schedule.title).to_have_text("January 2030")
    schedule.previous.click()
    expect(schedule.title).to_have_text("December 2029")
    schedule.view_link("day").click()
    expect(schedule.title).to_have_text("Sunday 16 December 2029")
    schedule.today.click()
    expect(schedule.title).to_have_text(datetime.now(tz).strftime("%A %-d %B %Y"))
    expect(schedule.time_zone).to_contain_text(tz.key)


def test_the_calendar_works_on_a_phone(
    new_context: Any,
    phone: dict[str, Any],
    target: Target,
    api: BookingApi,
    pending_job: dict[str, Any],
    tz: Any,
) -> None:
    page = new_context(**phone).new_page()
    page.goto("/schedule")
    LoginPage(page).sign_in(target.admin_email or "", target.admin_password or "")
    schedule = SchedulePage(page)
    day = local_day(pending_job["startTime"], tz)
    assert_badge(schedule, pending_job, day, "pending-confirmation")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    schedule.chip(pending_job["id"]).click()
    schedule.act("confirm")
    expect(schedule.panel).to_have_attribute("data-status", "scheduled")
    assert colour_of(schedule.badge(pending_job["id"])) == "blue"
