"""The admin scheduling page, /schedule: calendar views, job panel, create-job form."""

from __future__ import annotations

from urllib.parse import urlencode

from playwright.sync_api import Locator, Page


class SchedulePage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.calendar = page.get_by_test_id("calendar")
        self.title = page.get_by_test_id("calendar-title")
        self.time_zone = page.get_by_test_id("calendar-time-zone")
        self.legend = page.get_by_test_id("legend")
        self.chips = page.get_by_test_id("job-chip")
        self.previous = page.get_by_test_id("nav-prev")
        self.next = page.get_by_test_id("nav-next")
        self.today = page.get_by_test_id("nav-today")
        self.notice = page.get_by_test_id("page-notice")
        self.error = page.get_by_test_id("page-error")
        self.conflicts = page.get_by_test_id("conflict")
        self.panel = page.get_by_test_id("job-panel")
        self.panel_title = page.get_by_test_id("job-panel-title")
        self.panel_status = page.get_by_test_id("job-panel-status")
        self.panel_contact_name = page.get_by_test_id("job-panel-contact-name")
        self.panel_notes = page.get_by_test_id("job-panel-notes")
        self.panel_decline_reason = page.get_by_test_id("job-panel-decline-reason")
        self.logout = page.get_by_test_id("logout")
        self.new_job = page.get_by_test_id("new-job-toggle")
        self.job_title = page.get_by_label("Title", exact=True)
        self.job_date = page.get_by_label("Date", exact=True)
        self.job_start = page.get_by_label("Start", exact=True)
        self.job_end = page.get_by_label("End", exact=True)
        self.create_job = page.get_by_test_id("create-job-submit")

    def open(self, view: str, day: str, job: str | None = None) -> SchedulePage:
        params = {"view": view, "date": day}
        if job:
            params["job"] = job
        self.page.goto(f"/schedule?{urlencode(params)}")
        return self

    def view_link(self, view: str) -> Locator:
        return self.page.get_by_test_id(f"view-{view}")

    def chip(self, job_id: str) -> Locator:
        return self.page.locator(f'[data-testid="job-chip"][data-job-id="{job_id}"]')

    def badge(self, job_id: str) -> Locator:
        return self.chip(job_id).get_by_test_id("status-badge")

    def legend_badge(self, status: str) -> Locator:
        return self.page.get_by_test_id(f"legend-{status}")

    def action(self, name: str) -> Locator:
        return self.page.get_by_test_id(f"action-{name}")

    def reason(self, action: str) -> Locator:
        return self.page.get_by_test_id(f"{action}-reason")

    def act(self, name: str, reason: str | None = None) -> None:
        if reason is not None:
            self.reason(name).fill(reason)
        self.action(name).click()

    def fill_new_job(self, title: str, day: str, start: str, end: str) -> None:
        self.new_job.click()
        self.job_title.fill(title)
        self.job_date.fill(day)
        self.job_start.fill(start)
        self.job_end.fill(end)
