"""The scheduling page: views, lifecycle actions, CSRF on its forms, the create form's 409,
escaping and tenant isolation. Every change is checked through the JSON API."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.local.seed import SeedResult, seed
from reference_app.pages.session import SESSION_COOKIE
from reference_app.settings import Settings
from tests.integration.calls import book, create_job
from tests.pages.page_calls import act, csrf_token, page_csrf, schedule_page, sign_in

# Thursday 10 January 2030, 10:00 in New York (EST): a consultation slot open at DEFAULT_NOW.
SLOT = "2030-01-10T15:00:00Z"
XSS_NAME = "<script>alert(1)</script>"
XSS_NOTES = '<img src=x onerror="alert(2)">'


@pytest.fixture
def pending_job(client: TestClient[Any], tenant: SeedResult) -> dict[str, Any]:
    response = book(client, tenant.services["consultation"], SLOT, name="Pat Pending")
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    assert job["status"] == "pending-confirmation"
    return dict(job)


@pytest.fixture
def signed_in(client: TestClient[Any], tenant: SeedResult) -> TestClient[Any]:
    sign_in(client, tenant)
    return client


def job_status(client: TestClient[Any], headers: dict[str, str], job_id: str) -> str:
    return str(client.get(f"/jobs/{job_id}", headers=headers).json()["job"]["status"])


def chip(html: str, job_id: str) -> str:
    found = re.search(rf'<a class="job-chip[^>]*data-job-id="{job_id}"[^>]*>.*?</a>', html, re.S)
    assert found is not None, f"job {job_id} is not on the page"
    return found.group(0)


@pytest.mark.parametrize("view", ["day", "week", "month"])
def test_every_view_shows_the_job_with_its_status_badge(
    signed_in: TestClient[Any], pending_job: dict[str, Any], view: str
) -> None:
    page = schedule_page(signed_in, view=view, date="2030-01-10")
    assert page.status_code == 200
    shown = chip(page.text, pending_job["id"])
    assert 'data-status="pending-confirmation"' in shown
    assert 'class="badge status-pending-confirmation"' in shown
    assert "10:00\u201310:30" in re.sub(r"<[^>]+>", "", shown)  # local New York time
    assert "Times in America/New_York" in page.text
    assert 'data-testid="legend"' in page.text


def test_a_job_outside_the_shown_range_is_not_listed(
    signed_in: TestClient[Any], pending_job: dict[str, Any]
) -> None:
    page = schedule_page(signed_in, view="day", date="2030-01-11")
    assert pending_job["id"] not in page.text


def test_pending_job_offers_confirm_and_decline_only(
    signed_in: TestClient[Any], pending_job: dict[str, Any]
) -> None:
    page = schedule_page(signed_in, view="day", date="2030-01-10", job=pending_job["id"])
    actions = set(re.findall(r'data-testid="action-(\w+)"', page.text))
    assert actions == {"confirm", "decline"}


def test_confirm_then_start_then_complete(
    signed_in: TestClient[Any], admin_headers: dict[str, str], pending_job: dict[str, Any]
) -> None:
    csrf = page_csrf(signed_in)
    expected = [("confirm", "scheduled", {"start", "cancel"}), ("start", "in-progress", {"complete"})]
    for action, status, offered in expected:
        response = act(signed_in, pending_job["id"], action, csrf)
        assert response.status_code == 303, response.text
        assert job_status(signed_in, admin_headers, pending_job["id"]) == status
        page = signed_in.get(response.headers["location"])
        assert "Job " in page.text and 'data-testid="page-notice"' in page.text
        assert set(re.findall(r'data-testid="action-(\w+)"', page.text)) == offered
    act(signed_in, pending_job["id"], "complete", csrf)
    assert job_status(signed_in, admin_headers, pending_job["id"]) == "completed"


def test_decline_needs_a_reason_and_keeps_it(
    signed_in: TestClient[Any], admin_headers: dict[str, str], pending_job: dict[str, Any]
) -> None:
    csrf = page_csrf(signed_in)
    refused = act(signed_in, pending_job["id"], "decline", csrf, reason="   ")
    assert refused.status_code == 422
    assert 'data-code="reason_required"' in refused.text
    assert job_status(signed_in, admin_headers, pending_job["id"]) == "pending-confirmation"
    assert act(signed_in, pending_job["id"], "decline", csrf, reason="Fully booked").status_code == 303
    job = signed_in.get(f"/jobs/{pending_job['id']}", headers=admin_headers).json()["job"]
    assert (job["status"], job["declineReason"]) == ("cancelled", "Fully booked")


def test_a_refused_move_shows_the_api_error(signed_in: TestClient[Any], pending_job: dict[str, Any]) -> None:
    response = act(signed_in, pending_job["id"], "start", page_csrf(signed_in))
    assert response.status_code == 409
    assert 'data-code="invalid_transition"' in response.text
    assert "Cannot start a job that is pending-confirmation." in response.text


@pytest.mark.parametrize("csrf", [None, "", "0" * 64])
def test_actions_without_the_right_csrf_token_are_refused(
    signed_in: TestClient[Any],
    admin_headers: dict[str, str],
    pending_job: dict[str, Any],
    csrf: str | None,
) -> None:
    response = act(signed_in, pending_job["id"], "confirm", csrf)
    assert response.status_code == 403
    assert 'data-code="csrf_rejected"' in response.text
    assert job_status(signed_in, admin_headers, pending_job["id"]) == "pending-confirmation"


def test_another_sessions_csrf_token_is_refused(
    signed_in: TestClient[Any], settings: Settings, tenant: SeedResult, pending_job: dict[str, Any]
) -> None:
    with TestClient(create_app(settings)) as other:
        sign_in(other, tenant)
        theirs = page_csrf(other)
    assert theirs != page_csrf(signed_in)
    assert act(signed_in, pending_job["id"], "confirm", theirs).status_code == 403


def job_form(csrf: str | None, **fields: str) -> dict[str, str]:
    data = {"view": "week", "date": "2030-01-10", "title": "Page job", "start": "10:00", "end": "11:00"}
    data.update(fields)
    if csrf is not None:
        data["csrf_token"] = csrf
    return data


def test_create_job_from_the_form(signed_in: TestClient[Any], admin_headers: dict[str, str]) -> None:
    response = signed_in.post(
        "/schedule/jobs",
        data=job_form(page_csrf(signed_in), contact_name="Kim", contact_email="kim@example.com"),
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    listed = signed_in.get(
        "/jobs", params={"start": "2030-01-10", "end": "2030-01-10"}, headers=admin_headers
    )
    (job,) = listed.json()["jobs"]
    assert (job["title"], job["startTime"], job["endTime"]) == (
        "Page job",
        "2030-01-10T15:00:00Z",
        "2030-01-10T16:00:00Z",
    )
    assert job["contact"]["name"] == "Kim"
    assert job["id"] in response.headers["location"]


def test_create_job_conflict_lists_the_conflicting_jobs(
    signed_in: TestClient[Any], admin_headers: dict[str, str]
) -> None:
    first = create_job(
        signed_in, admin_headers, "2030-01-10T15:00:00Z", "2030-01-10T16:00:00Z", title="Boiler service"
    )
    assert first.status_code == 201
    response = signed_in.post(
        "/schedule/jobs",
        data=job_form(page_csrf(signed_in), title="Overlapping visit", start="10:30", end="11:30"),
        follow_redirects=False,
    )
    assert response.status_code == 409
    assert 'data-code="job_conflict"' in response.text
    conflicts = re.findall(r'<li data-testid="conflict">(.*?)</li>', response.text, re.S)
    assert len(conflicts) == 1 and "Boiler service" in conflicts[0]
    assert "Thu 10 Jan 2030, 10:00\u201311:00" in conflicts[0]
    assert 'value="Overlapping visit"' in response.text  # the form keeps what was typed
    assert '<details class="card new-job" data-testid="new-job" open>' in response.text


def test_create_job_form_errors_are_shown(signed_in: TestClient[Any]) -> None:
    csrf = page_csrf(signed_in)
    no_end = signed_in.post("/schedule/jobs", data=job_form(csrf, end=""), follow_redirects=False)
    assert no_end.status_code == 422 and 'data-code="end_time_required"' in no_end.text
    bad_time = signed_in.post("/schedule/jobs", data=job_form(csrf, start="25:00"), follow_redirects=False)
    assert bad_time.status_code == 422 and 'data-code="invalid_form"' in bad_time.text
    backwards = signed_in.post("/schedule/jobs", data=job_form(csrf, end="09:00"), follow_redirects=False)
    assert backwards.status_code == 422 and 'data-code="invalid_interval"' in backwards.text


def test_create_job_without_csrf_is_refused(
    signed_in: TestClient[Any], admin_headers: dict[str, str]
) -> None:
    response = signed_in.post("/schedule/jobs", data=job_form(None), follow_redirects=False)
    assert response.status_code == 403
    listed = signed_in.get(
        "/jobs", params={"start": "2030-01-10", "end": "2030-01-10"}, headers=admin_headers
    )
    assert listed.json()["jobs"] == []


def test_user_strings_are_escaped(signed_in: TestClient[Any], tenant: SeedResult) -> None:
    response = book(signed_in, tenant.services["consultation"], SLOT, name=XSS_NAME, notes=XSS_NOTES)
    job_id = response.json()["job"]["id"]
    for view in ["day", "week", "month"]:
        page = schedule_page(signed_in, view=view, date="2030-01-10", job=job_id)
        assert XSS_NAME not in page.text and XSS_NOTES not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]


@pytest.fixture
def other_tenant(database_url: str) -> SeedResult:
    return seed(database_url, tenant_name="Other Business", time_zone="America/New_York")


@pytest.fixture
def their_job(client: TestClient[Any], other_tenant: SeedResult) -> dict[str, Any]:
    response = book(client, other_tenant.services["consultation"], SLOT, name="Their Client")
    assert response.status_code == 201
    return dict(response.json()["job"])


def test_another_tenants_jobs_are_invisible(signed_in: TestClient[Any], their_job: dict[str, Any]) -> None:
    for view in ["day", "week", "month"]:
        page = schedule_page(signed_in, view=view, date="2030-01-10")
        assert their_job["id"] not in page.text and "Their Client" not in page.text
    detail = schedule_page(signed_in, view="day", date="2030-01-10", job=their_job["id"])
    assert detail.status_code == 404
    assert "Their Client" not in detail.text
    assert 'data-code="job_not_found"' in detail.text


def test_another_tenants_job_cannot_be_moved(
    signed_in: TestClient[Any], their_job: dict[str, Any], other_tenant: SeedResult
) -> None:
    response = act(signed_in, their_job["id"], "confirm", page_csrf(signed_in))
    assert response.status_code == 404
    assert "Their Client" not in response.text
    login = signed_in.post(
        "/auth/login", json={"email": other_tenant.admin_email, "password": other_tenant.admin_password}
    )
    theirs = {"Authorization": f"Bearer {login.json()['token']}"}
    assert job_status(signed_in, theirs, their_job["id"]) == "pending-confirmation"


def test_unknown_job_and_action_are_404(signed_in: TestClient[Any], pending_job: dict[str, Any]) -> None:
    csrf = page_csrf(signed_in)
    assert act(signed_in, "not-a-uuid", "confirm", csrf).status_code == 404
    assert act(signed_in, pending_job["id"], "delete", csrf).status_code == 404
    assert schedule_page(signed_in, job="not-a-uuid").status_code == 404


def test_bad_view_and_date_fall_back_to_this_week(signed_in: TestClient[Any]) -> None:
    page = schedule_page(signed_in, view="year", date="yesterday")
    assert page.status_code == 200
    assert 'data-view="week"' in page.text
    assert 'data-first="2030-01-07" data-last="2030-01-13"' in page.text


def test_csrf_token_is_not_the_session_token(signed_in: TestClient[Any]) -> None:
    html = schedule_page(signed_in).text
    assert csrf_token(html) != signed_in.cookies[SESSION_COOKIE]
    assert signed_in.cookies[SESSION_COOKIE] not in html
