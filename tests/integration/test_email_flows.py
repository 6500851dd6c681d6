"""Each email flow, delivered through a real moto SES server over HTTP and read back from it:
recipient, subject, time in the tenant's zone (in and out of DST), dashboard link, .ics."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from icalendar import Calendar
from litestar.testing import TestClient

from harness.mailbox import DeliveredEmail, Mailbox
from reference_app.clock import SettableClock
from reference_app.local.seed import SeedResult
from tests.integration.calls import book
from tests.integration.conftest import PUBLIC_APP_URL

# (clock, slot start, the slot as the emails must show it, short form used in subjects)
SEASONS = {
    "winter-EST": (
        datetime(2030, 1, 9, 15, 0, tzinfo=UTC),
        "2030-01-10T10:00:00-05:00",
        "Thursday 10 January 2030, 10:00-11:00 EST",
        "Thu 10 Jan 2030, 10:00 EST",
    ),
    "summer-EDT": (
        datetime(2030, 7, 9, 15, 0, tzinfo=UTC),
        "2030-07-10T10:00:00-04:00",
        "Wednesday 10 July 2030, 10:00-11:00 EDT",
        "Wed 10 Jul 2030, 10:00 EDT",
    ),
}


@pytest.fixture(params=list(SEASONS))
def season(request: pytest.FixtureRequest, clock: SettableClock) -> tuple[str, str, str]:
    now, start, when, short = SEASONS[request.param]
    clock.set(now)
    return start, when, short


@pytest.fixture
def client_email() -> str:
    return f"client-{uuid.uuid4().hex[:10]}@example.com"


def _login(client: TestClient[Any], tenant: SeedResult) -> dict[str, str]:
    response = client.post(
        "/auth/login", json={"email": tenant.admin_email, "password": tenant.admin_password}
    )
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _ics(message: DeliveredEmail, name: str) -> Any:
    calendar = Calendar.from_ical(message.attachments[name])
    [event] = calendar.walk("VEVENT")
    return calendar, event


def _assert_time_shown(message: DeliveredEmail, when: str) -> None:
    assert when in message.text
    assert when in message.html


@dataclass(frozen=True)
class Flow:
    """What every flow test uses: the app (sending through moto), the tenant, the mailbox, a
    fresh client address, and the season's slot (start, as the emails show it, short form)."""

    client: TestClient[Any]
    tenant: SeedResult
    mailbox: Mailbox
    client_email: str
    season: tuple[str, str, str]

    def book(self, role: str) -> dict[str, Any]:
        """Book the season's slot of the demo service `role` for the client; the job."""
        response = book(self.client, self.tenant.services[role], self.season[0], email=self.client_email)
        assert response.status_code == 201, response.text
        return dict(response.json()["job"])

    def admin_headers(self) -> dict[str, str]:
        return _login(self.client, self.tenant)


@pytest.fixture
def flow(
    email_client: TestClient[Any],
    tenant: SeedResult,
    mailbox: Mailbox,
    season: tuple[str, str, str],
    client_email: str,
) -> Flow:
    return Flow(email_client, tenant, mailbox, client_email, season)


def test_instant_booking_confirms_client_and_notifies_contractor(flow: Flow) -> None:
    start, when, short = flow.season
    job = flow.book("standard")

    [confirmation] = flow.mailbox.wait_for(flow.client_email, "^Booking confirmed")
    assert confirmation.subject == f"Booking confirmed: Standard visit on {short}"
    _assert_time_shown(confirmation, when)
    assert confirmation.header["x-job-id"] == job["id"]
    calendar, event = _ics(confirmation, "invite.ics")
    assert str(calendar["method"]) == "REQUEST"
    assert event.decoded("dtstart") == datetime.fromisoformat(start)
    assert str(event["uid"]) == f"job-{job['id']}@reference-booking"

    [notice] = flow.mailbox.wait_for(
        flow.tenant.admin_email, f"^New booking: Ada Client for Standard visit on {short}$"
    )
    _assert_time_shown(notice, when)
    day = start[:10]
    link = f"{PUBLIC_APP_URL}/schedule?view=day&amp;date={day}&amp;job={job['id']}"
    assert link in notice.html
    assert link.replace("&amp;", "&") in notice.text
    assert flow.client_email in notice.text
    assert notice.attachments == {}


def test_pending_booking_then_confirmed(flow: Flow) -> None:
    _start, when, short = flow.season
    when = when.replace("10:00-11:00", "10:00-10:30")  # a 30-minute consultation
    job = flow.book("consultation")
    [pending] = flow.mailbox.wait_for(flow.client_email, "pending confirmation")
    assert (
        pending.subject
        == f"Booking request received (pending confirmation): Consultation (needs confirmation) on {short}"
    )
    _assert_time_shown(pending, when)
    assert pending.attachments == {}
    flow.mailbox.wait_for(flow.tenant.admin_email, "^New booking: Ada Client for Consultation")

    headers = flow.admin_headers()
    assert flow.client.post(f"/jobs/{job['id']}/confirm", headers=headers).status_code == 200
    [confirmed] = flow.mailbox.wait_for(flow.client_email, "^Your booking is now confirmed")
    _assert_time_shown(confirmed, when)
    calendar, event = _ics(confirmed, "invite.ics")
    assert str(calendar["method"]) == "REQUEST"
    assert str(event["status"]) == "CONFIRMED"


def test_declined_with_reason(flow: Flow) -> None:
    _start, when, short = flow.season
    when = when.replace("10:00-11:00", "10:00-10:30")  # a 30-minute consultation
    job = flow.book("consultation")
    headers = flow.admin_headers()
    reason = "Our technician is <away> that day & cannot come"
    declined = flow.client.post(f"/jobs/{job['id']}/decline", json={"reason": reason}, headers=headers)
    assert declined.status_code == 200
    [message] = flow.mailbox.wait_for(flow.client_email, "^Booking request declined")
    assert message.subject == f"Booking request declined: Consultation (needs confirmation) on {short}"
    _assert_time_shown(message, when)
    assert reason in message.text
    assert "Our technician is &lt;away&gt; that day &amp; cannot come" in message.html


def test_cancellation_notifies_both_with_a_cancelling_ics(flow: Flow) -> None:
    _start, when, short = flow.season
    job = flow.book("standard")
    headers = flow.admin_headers()
    cancelled = flow.client.post(
        f"/jobs/{job['id']}/cancel", json={"reason": "Storm warning"}, headers=headers
    )
    assert cancelled.status_code == 200

    [client_notice] = flow.mailbox.wait_for(flow.client_email, "^Booking cancelled")
    assert client_notice.subject == f"Booking cancelled: Standard visit on {short}"
    _assert_time_shown(client_notice, when)
    assert "Storm warning" in client_notice.text
    calendar, event = _ics(client_notice, "cancel.ics")
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == f"job-{job['id']}@reference-booking"

    [contractor] = flow.mailbox.wait_for(flow.tenant.admin_email, "^Cancelled: Ada Client")
    assert contractor.subject == f"Cancelled: Ada Client for Standard visit on {short}"
    _assert_time_shown(contractor, when)
    assert f"job={job['id']}" in contractor.text


def test_reschedule_tells_the_client_old_and_new_time(flow: Flow) -> None:
    start, when, _short = flow.season
    job = flow.book("standard")
    headers = flow.admin_headers()
    new_start = start.replace("T10:00", "T14:00")
    moved = flow.client.patch(f"/jobs/{job['id']}", json={"startTime": new_start}, headers=headers)
    assert moved.status_code == 200, moved.text
    [message] = flow.mailbox.wait_for(flow.client_email, "^Booking moved")
    new_when = when.replace("10:00-11:00", "14:00-15:00")
    assert new_when in message.text
    assert f"Previously: {when}" in message.text
    _calendar, event = _ics(message, "invite.ics")
    assert event.decoded("dtstart") == datetime.fromisoformat(new_start)


def test_each_event_sends_once(
    email_client: TestClient[Any], tenant: SeedResult, mailbox: Mailbox, client_email: str
) -> None:
    headers = {"Idempotency-Key": f"once-{client_email}"}
    for _ in range(3):  # an idempotent retry is not a new event
        book(
            email_client,
            tenant.services["callout"],
            "2030-01-10T12:00:00Z",
            email=client_email,
            headers=headers,
        )
    mailbox.wait_for(client_email, "^Booking confirmed")
    job_id = book(
        email_client, tenant.services["callout"], "2030-01-10T12:00:00Z", email=client_email, headers=headers
    ).json()["job"]["id"]
    outbox = email_client.get("/admin/outbox", headers=_login(email_client, tenant)).json()["emails"]
    mine = [e for e in outbox if e["jobId"] == job_id]
    assert sorted(e["kind"] for e in mine) == ["client_instant_confirmation", "contractor_new_booking"]
    assert len(mailbox.for_recipient(client_email)) == 1
