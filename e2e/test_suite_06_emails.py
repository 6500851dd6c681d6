"""Suite 6, email notifications: every email the service sends (the seed's five and the three
added: client cancellation, contractor cancellation, reschedule), each triggered through the
pages or the API and read from a mailbox (e2e/mail.py): recipient, subject, times in the
business's zone with its abbreviation, the dashboard link on PUBLIC_APP_URL, the .ics part."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from e2e.mail import MailReader, SentEmail
from e2e.page_objects.booking_page import BookingPage
from e2e.page_objects.schedule_page import SchedulePage
from e2e.report import MAILBOX_SOURCE
from e2e.scenario import book_first_free, create_free_job, local_day, service_id
from harness.adapters.reference_client import BookingApi
from harness.target import Target

pytestmark = pytest.mark.suite6


@pytest.fixture
def mail(api: BookingApi, target: Target, pytestconfig: pytest.Config) -> MailReader:
    reader = MailReader(api, target.mailbox_url)
    pytestconfig.stash[MAILBOX_SOURCE] = reader.source  # named in the summary
    return reader


def when_short(instant: str, tz: ZoneInfo) -> str:
    local = datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M} {local.tzname()}"


def when_long(job: dict[str, Any], tz: ZoneInfo) -> str:
    start = datetime.fromisoformat(job["startTime"].replace("Z", "+00:00")).astimezone(tz)
    end = datetime.fromisoformat(job["endTime"].replace("Z", "+00:00")).astimezone(tz)
    return f"{start:%H:%M}-{end:%H:%M} {start.tzname()}"


def check_email(
    sent: SentEmail,
    *,
    recipient: str | None,
    subject: str,
    job: dict[str, Any],
    tz: ZoneInfo,
    ics: str | None = None,
    dashboard: str | None = None,
    contains: tuple[str, ...] = (),
) -> None:
    """What the seed asks of every email; the content only where the mailbox can be read."""
    if recipient is not None:
        assert sent.recipient == recipient.lower(), f"{sent.kind} went to {sent.recipient}"
    assert sent.ses_message_id, f"{sent.kind} has no SES message id"
    message = sent.message
    if message is None:
        return  # the admin outbox: sent, to whom, with its SES id; the content is not readable
    assert message.subject == subject, f"{sent.kind} subject {message.subject!r}, expected {subject!r}"
    assert when_long(job, tz) in message.text, f"{sent.kind} does not show {when_long(job, tz)!r}"
    assert f"Times are shown in {tz.key}" in message.text
    for text in contains:
        assert text in message.text, f"{sent.kind} does not say {text!r}"
    if dashboard is not None:
        assert dashboard in message.text and dashboard.replace("&", "&amp;") in message.html, (
            f"{sent.kind} lacks the dashboard link {dashboard}"
        )
    attachments = message.attachments
    if ics is None:
        assert not [name for name in attachments if name.endswith(".ics")], f"{sent.kind} has an .ics"
    else:
        name = "cancel.ics" if ics == "CANCEL" else "invite.ics"
        assert name in attachments, f"{sent.kind} lacks {name}: {sorted(attachments)}"
        calendar = attachments[name].decode()
        assert f"METHOD:{ics}" in calendar
        assert f"UID:job-{job['id']}@" in calendar


def dashboard_link(target: Target, job: dict[str, Any], tz: ZoneInfo) -> str:
    base = (target.public_app_url or target.base_url).rstrip("/")
    return f"{base}/schedule?view=day&date={local_day(job['startTime'], tz)}&job={job['id']}"


def check_contractor_email(
    sent: SentEmail,
    target: Target,
    *,
    subject: str,
    job: dict[str, Any],
    tz: ZoneInfo,
    contains: tuple[str, ...],
) -> None:
    """The business's copy: to its notification address (whatever the target set), with the
    dashboard link to the job."""
    dashboard = dashboard_link(target, job, tz)
    check_email(sent, recipient=None, subject=subject, job=job, tz=tz, dashboard=dashboard, contains=contains)


def book_on_page(page: Page, service: str, name: str, email: str) -> str:
    return BookingPage(page).open(service).book_first_free(name, email)


def service_name(api: BookingApi, service: str) -> str:
    return str(api.service(service).json()["name"])


def test_instant_booking_emails_client_and_contractor(
    page: Page, target: Target, api: BookingApi, mail: MailReader, tz: ZoneInfo, unique: str
) -> None:
    service = service_id(target, "standard")
    email, name = f"instant-{unique}@example.com", f"Instant {unique}"
    job = api.job(book_on_page(page, service, name, email)).json()["job"]
    svc = service_name(api, service)
    client = mail.wait_for(job["id"], "client_instant_confirmation", re.escape("Booking confirmed"))
    check_email(
        client,
        recipient=email,
        subject=f"Booking confirmed: {svc} on {when_short(job['startTime'], tz)}",
        job=job,
        tz=tz,
        ics="REQUEST",
    )
    check_contractor_email(
        mail.wait_for(job["id"], "contractor_new_booking", re.escape(f"New booking: {name}")),
        target,
        subject=f"New booking: {name} for {svc} on {when_short(job['startTime'], tz)}",
        job=job,
        tz=tz,
        contains=(email,),
    )


def test_pending_booking_emails_request_received(
    page: Page, target: Target, api: BookingApi, mail: MailReader, tz: ZoneInfo, unique: str
) -> None:
    service = service_id(target, "consultation")
    email = f"pending-{unique}@example.com"
    job = api.job(book_on_page(page, service, f"Pending {unique}", email)).json()["job"]
    sent = mail.wait_for(job["id"], "client_pending_notification", re.escape("pending confirmation"))
    check_email(
        sent,
        recipient=email,
        subject=(
            f"Booking request received (pending confirmation): {service_name(api, service)} "
            f"on {when_short(job['startTime'], tz)}"
        ),
        job=job,
        tz=tz,
    )
    mail.wait_for(job["id"], "contractor_new_booking", re.escape(f"New booking: Pending {unique}"))


def test_confirm_emails_the_client(
    signed_in: Page, target: Target, api: BookingApi, mail: MailReader, tz: ZoneInfo, unique: str
) -> None:
    service = service_id(target, "consultation")
    email = f"confirm-{unique}@example.com"
    job = book_first_free(api, service, name=f"Confirm {unique}", email=email)
    schedule = SchedulePage(signed_in).open("day", local_day(job["startTime"], tz), job=job["id"])
    schedule.act("confirm")
    expect(schedule.panel).to_have_attribute("data-status", "scheduled")
    sent = mail.wait_for(job["id"], "client_booking_confirmed", re.escape("now confirmed"))
    subject = (
        f"Your booking is now confirmed: {service_name(api, service)} on {when_short(job['startTime'], tz)}"
    )
    check_email(sent, recipient=email, subject=subject, job=job, tz=tz, ics="REQUEST")


def test_decline_emails_the_reason(
    signed_in: Page, target: Target, api: BookingApi, mail: MailReader, tz: ZoneInfo, unique: str
) -> None:
    service = service_id(target, "consultation")
    email = f"decline-{unique}@example.com"
    job = book_first_free(api, service, name=f"Decline {unique}", email=email)
    schedule = SchedulePage(signed_in).open("day", local_day(job["startTime"], tz), job=job["id"])
    reason = f"Away that week {unique}"
    schedule.act("decline", reason=reason)
    expect(schedule.panel).to_have_attribute("data-status", "cancelled")
    sent = mail.wait_for(job["id"], "client_booking_declined", re.escape("declined"))
    subject = f"Booking request declined: {service_name(api, service)} on {when_short(job['startTime'], tz)}"
    check_email(sent, recipient=email, subject=subject, job=job, tz=tz, contains=(reason,))


def test_cancel_emails_client_and_contractor(
    signed_in: Page, target: Target, api: BookingApi, mail: MailReader, tz: ZoneInfo, unique: str
) -> None:
    service = service_id(target, "standard")
    email, name = f"cancel-{unique}@example.com", f"Cancel {unique}"
    job = book_first_free(api, service, name=name, email=email, skip=1)
    schedule = SchedulePage(signed_in).open("day", local_day(job["startTime"], tz), job=job["id"])
    reason = f"Plans changed {unique}"
    schedule.act("cancel", reason=reason)
    expect(schedule.panel).to_have_attribute("data-status", "cancelled")
    svc, short = service_name(api, service), when_short(job["startTime"], tz)
    client = mail.wait_for(job["id"], "client_cancellation", re.escape("Booking cancelled"))
    check_email(
        client,
        recipient=email,
        subject=f"Booking cancelled: {svc} on {short}",
        job=job,
        tz=tz,
        ics="CANCEL",
        contains=(reason,),
    )
    check_contractor_email(
        mail.wait_for(job["id"], "contractor_cancellation", re.escape(f"Cancelled: {name}")),
        target,
        subject=f"Cancelled: {name} for {svc} on {short}",
        job=job,
        tz=tz,
        contains=(reason,),
    )


def test_reschedule_emails_new_and_previous_time(
    target: Target, api: BookingApi, mail: MailReader, tz: ZoneInfo, unique: str
) -> None:
    """The calendar has no reschedule form: the admin API moves the job."""
    service = service_id(target, "standard")
    email = f"moved-{unique}@example.com"
    job = book_first_free(api, service, name=f"Moved {unique}", email=email, skip=2)
    day = datetime.now(tz).date() + timedelta(days=6)
    free = create_free_job(api, f"Placeholder {unique}", day, tz)  # finds a free half hour ...
    assert api.act(free["id"], "cancel").status_code == 200  # ... and gives it back
    moved = api.update_job(job["id"], {"startTime": free["startTime"]})
    assert moved.status_code == 200, moved.text
    new = moved.json()["job"]
    sent = mail.wait_for(job["id"], "client_reschedule", re.escape("Booking moved"))
    subject = f"Booking moved: {service_name(api, service)} now on {when_short(new['startTime'], tz)}"
    check_email(
        sent,
        recipient=email,
        subject=subject,
        job=new,
        tz=tz,
        ics="REQUEST",
        contains=("Previously: ", when_long(job, tz)),
    )
