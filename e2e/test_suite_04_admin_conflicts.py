"""Suite 4, admin conflict detection: creating a job over a booked slot is refused with the 409
listing the overlapping jobs, and rescheduling a job onto a taken time is refused the same way."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e.page_objects.schedule_page import SchedulePage
from e2e.scenario import book_first_free, create_free_job, fetch_job, local_day, service_id
from harness.adapters.reference_client import BookingApi
from harness.target import Target

pytestmark = pytest.mark.suite4


def test_create_over_a_booked_slot_lists_the_overlapping_jobs(
    signed_in: Page, target: Target, api: BookingApi, tz: Any, unique: str
) -> None:
    booked = book_first_free(
        api, service_id(target, "standard"), name=f"Booked {unique}", email=f"b-{unique}@example.com", skip=2
    )
    start = datetime.fromisoformat(booked["startTime"]).astimezone(tz)
    day = start.date().isoformat()
    schedule = SchedulePage(signed_in).open("week", day)
    schedule.fill_new_job(
        f"Overlapping {unique}",
        day,
        (start + timedelta(minutes=15)).strftime("%H:%M"),
        (start + timedelta(minutes=45)).strftime("%H:%M"),
    )
    schedule.create_job.click()
    expect(schedule.error).to_have_attribute("data-code", "job_conflict")
    expect(schedule.error).to_contain_text("conflicts with existing job")
    expect(schedule.conflicts).to_have_count(1)
    expect(schedule.conflicts.first).to_contain_text(f"Booked {unique}")
    expect(schedule.job_title).to_have_value(f"Overlapping {unique}")  # what was typed is kept
    listed = api.jobs(start.date(), start.date()).json()["jobs"]
    assert not [job for job in listed if job["title"] == f"Overlapping {unique}"], (
        "the refused job was stored"
    )

    schedule.job_start.fill("23:15")
    schedule.job_end.fill("23:45")
    schedule.create_job.click()
    expect(schedule.notice).to_have_text("Job created.")
    expect(schedule.panel_title).to_have_text(f"Overlapping {unique}")


def test_reschedule_onto_a_taken_time_is_refused(
    signed_in: Page, api: BookingApi, tz: Any, unique: str
) -> None:
    """The calendar has no reschedule form, so the move is made through the API the pages share;
    the refusal lists the job in the way, and the calendar still shows the job where it was."""
    day = datetime.now(tz).date() + timedelta(days=5)
    taken = create_free_job(api, f"Taken {unique}", day, tz)
    mover = create_free_job(api, f"Mover {unique}", day, tz)
    response = api.update_job(mover["id"], {"startTime": taken["startTime"]})
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "job_conflict"
    assert [job["id"] for job in error["details"]["conflicts"]] == [taken["id"]]
    assert fetch_job(api, mover["id"])["startTime"] == mover["startTime"]
    schedule = SchedulePage(signed_in).open("day", local_day(mover["startTime"], tz), job=mover["id"])
    when = datetime.fromisoformat(mover["startTime"]).astimezone(tz)
    expect(signed_in.get_by_test_id("job-panel-when")).to_contain_text(f"{when:%H:%M}")
    expect(schedule.chip(mover["id"])).to_be_visible()
