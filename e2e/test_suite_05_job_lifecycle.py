"""Suite 5, job status lifecycle on the calendar: confirm, decline with a reason, start,
complete and cancel, and no-show once a job's time has passed; the badge's colour changes each
time in every view; moves the lifecycle does not allow are not offered; the history lists each
move; a refused move is shown."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.page_checks import assert_badge, colour_of
from e2e.page_objects.schedule_page import SchedulePage
from e2e.scenario import create_free_job, fetch_job, local_day
from harness.adapters.reference_client import BookingApi

pytestmark = pytest.mark.suite5

ALL_ACTIONS = ("confirm", "decline", "start", "complete", "cancel", "no-show")
# What the lifecycle allows from each status of a job still to come: everything else must not
# be offered (no-show waits for the job's start time).
ALLOWED = {
    "pending-confirmation": {"confirm", "decline"},
    "scheduled": {"start", "cancel"},
    "in-progress": {"complete"},
    "completed": set(),
    "cancelled": set(),
    "no-show": set(),
}


def assert_offered(schedule: SchedulePage, status: str) -> None:
    expect(schedule.panel).to_have_attribute("data-status", status)  # the panel is rendered whole
    offered = {action for action in ALL_ACTIONS if schedule.action(action).count()}
    assert offered == ALLOWED[status], (
        f"a {status} job offers {sorted(offered)}; the lifecycle allows {sorted(ALLOWED[status])}"
    )


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


def test_moves_not_allowed_are_not_offered(
    signed_in: Page, api: BookingApi, pending_job: dict[str, Any], tz: Any, unique: str
) -> None:
    """At each status the panel offers exactly the lifecycle's moves, and nothing for a job
    that is done."""
    schedule = SchedulePage(signed_in)
    day = local_day(pending_job["startTime"], tz)
    schedule.open("day", day, job=pending_job["id"])
    assert_offered(schedule, "pending-confirmation")
    for action, status in [("confirm", "scheduled"), ("start", "in-progress"), ("complete", "completed")]:
        schedule.act(action)
        expect(schedule.panel).to_have_attribute("data-status", status)
        assert_offered(schedule, status)
    expect(signed_in.get_by_test_id("no-actions")).to_be_visible()


def test_history_lists_each_move(
    signed_in: Page, api: BookingApi, pending_job: dict[str, Any], tz: Any
) -> None:
    schedule = SchedulePage(signed_in)
    day = local_day(pending_job["startTime"], tz)
    schedule.open("day", day, job=pending_job["id"])
    schedule.act("confirm")
    expect(schedule.panel).to_have_attribute("data-status", "scheduled")
    schedule.act("cancel", reason="Client asked to cancel")
    expect(schedule.panel).to_have_attribute("data-status", "cancelled")
    signed_in.get_by_test_id("job-history-toggle").click()
    history = signed_in.get_by_test_id("job-history").get_by_role("listitem")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("new → Pending confirmation")
    expect(history.nth(1)).to_contain_text("Pending confirmation → Scheduled")
    expect(history.nth(2)).to_contain_text("Scheduled → Cancelled (Client asked to cancel)")
    api_history = api.history(pending_job["id"]).json()
    assert len(api_history["history"]) == 3, api_history


def test_a_job_whose_time_has_passed_can_be_marked_a_no_show(
    signed_in: Page, api: BookingApi, tz: Any, unique: str
) -> None:
    """A scheduled job of yesterday offers no-show beside start and cancel; marking it turns the
    badge purple in every view, ends its moves, is in the history, and emails nobody."""
    schedule = SchedulePage(signed_in)
    day = datetime.now(tz).date() - timedelta(days=1)
    missed = create_free_job(api, f"Missed visit {unique}", day, tz)
    schedule.open("day", day.isoformat(), job=missed["id"])
    expect(schedule.panel).to_have_attribute("data-status", "scheduled")
    offered = {action for action in ALL_ACTIONS if schedule.action(action).count()}
    assert offered == {"start", "cancel", "no-show"}, offered

    schedule.act("no-show")
    expect(schedule.notice).to_have_text("Job marked as a no-show.")
    expect(schedule.panel).to_have_attribute("data-status", "no-show")
    expect(signed_in.get_by_test_id("no-actions")).to_be_visible()
    signed_in.get_by_test_id("job-history-toggle").click()
    history = signed_in.get_by_test_id("job-history").get_by_role("listitem")
    expect(history).to_have_count(2)
    expect(history.nth(1)).to_contain_text("Scheduled → No-show")
    assert fetch_job(api, missed["id"])["status"] == "no-show"
    assert_badge(schedule, missed, day.isoformat(), "no-show")
    emails = api.outbox().json()["emails"]
    assert [e["kind"] for e in emails if e["jobId"] == missed["id"]] == []
