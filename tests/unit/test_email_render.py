"""Email rendering without SES: every kind renders, times are local with the zone's name,
HTML escapes what clients typed, and the calendar part matches the kind."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from reference_app.emails.kinds import ALL_KINDS
from reference_app.emails.mime import build_message
from reference_app.emails.render import format_short, format_when, render


def payload(**overrides: Any) -> dict[str, Any]:
    base = {
        "jobId": "0b6f7f5e-0000-4000-8000-000000000001",
        "title": "Standard visit: <b>Eve</b>",
        "status": "scheduled",
        "startTime": "2030-03-10T06:30:00+00:00",
        "endTime": "2030-03-10T07:30:00+00:00",
        "notes": None,
        "businessName": "Demo & Sons",
        "timeZone": "America/New_York",
        "contractorEmail": "owner@example.com",
        "serviceName": "Standard visit",
        "contactName": "<script>alert(1)</script>",
        "contactEmail": "eve@example.com",
        "contactPhone": None,
        "icsSequence": 7,
        "reason": None,
    }
    return {**base, **overrides}


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_every_kind_renders_text_and_escaped_html(kind: str) -> None:
    email = render(kind, "eve@example.com", payload(previousStartTime=None), public_app_url="https://x.test")
    assert email.subject and "\n" not in email.subject
    assert "<script>alert(1)</script>" in email.text or ALL_KINDS[kind].audience == "contractor"
    assert "<script>" not in email.html
    assert "Demo &amp; Sons" in email.html


def test_times_cross_dst_show_both_zone_names() -> None:
    tz = ZoneInfo("America/New_York")
    start = datetime.fromisoformat("2030-03-10T06:30:00+00:00").astimezone(tz)  # 01:30 EST
    end = datetime.fromisoformat("2030-03-10T07:30:00+00:00").astimezone(tz)  # 03:30 EDT
    assert format_when(start, end) == "Sunday 10 March 2030, 01:30 EST-03:30 EDT"
    assert format_short(start) == "Sun 10 Mar 2030, 01:30 EST"


def test_times_follow_the_tenant_zone() -> None:
    email = render(
        "client_instant_confirmation",
        "eve@example.com",
        payload(
            timeZone="Australia/Sydney",
            startTime="2030-01-10T23:00:00+00:00",
            endTime="2030-01-11T00:00:00+00:00",
        ),
        public_app_url="https://x.test",
    )
    assert "Friday 11 January 2030, 10:00-11:00 AEDT" in email.text
    assert email.subject.endswith("Fri 11 Jan 2030, 10:00 AEDT")


def test_contractor_link_points_at_the_job_on_its_local_day() -> None:
    email = render(
        "contractor_new_booking",
        "owner@example.com",
        payload(startTime="2030-01-11T03:00:00+00:00", endTime="2030-01-11T04:00:00+00:00"),
        public_app_url="https://app.example.com/",
    )
    link = (
        "https://app.example.com/schedule?view=day&date=2030-01-10&job=0b6f7f5e-0000-4000-8000-000000000001"
    )
    assert link in email.text
    assert link.replace("&", "&amp;") in email.html


@pytest.mark.parametrize(
    ("kind", "filename", "method"),
    [
        ("client_instant_confirmation", "invite.ics", "REQUEST"),
        ("client_booking_confirmed", "invite.ics", "REQUEST"),
        ("client_reschedule", "invite.ics", "REQUEST"),
        ("client_cancellation", "cancel.ics", "CANCEL"),
    ],
)
def test_calendar_part(kind: str, filename: str, method: str) -> None:
    email = render(kind, "eve@example.com", payload(previousStartTime=None), public_app_url="https://x.test")
    message = build_message(email, sender="bookings@example.com", outbox_id=42)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == filename
    assert attachment.get_param("method") == method
    calendar = Calendar.from_ical(attachment.get_payload(decode=True))
    assert str(calendar["method"]) == method
    [event] = calendar.walk("VEVENT")
    assert event["sequence"] == 7
    assert str(event["attendee"]) == "mailto:eve@example.com"
    assert message["X-Outbox-Id"] == "42"


@pytest.mark.parametrize(
    "kind",
    [
        "client_pending_notification",
        "client_booking_declined",
        "contractor_new_booking",
        "contractor_cancellation",
    ],
)
def test_no_calendar_part_where_none_is_due(kind: str) -> None:
    email = render(kind, "eve@example.com", payload(reason="busy"), public_app_url="https://x.test")
    assert list(build_message(email, sender="bookings@example.com", outbox_id=1).iter_attachments()) == []
