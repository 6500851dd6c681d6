"""Every email kind, with every stored text that reaches it hostile, is inert once built into
the MIME message the sender hands to SES: checked by parsing (harness/inert_email.py). And the
checker's teeth: raw markup, an injected header and an injected .ics property are each caught."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from typing import Any

import pytest

from harness.hostile_text import FIELD_BY_NAME, FIELDS, HTML, ICS_KINDS, SUBJECT, TEXT
from harness.inert_email import Expected, email_problems
from reference_app.emails.kinds import ALL_KINDS
from reference_app.emails.mime import build_message
from reference_app.emails.render import render

REASON_FIELD = {
    "client_booking_declined": "job.decline_reason",
    "client_cancellation": "job.cancel_reason",
    "contractor_cancellation": "job.cancel_reason",
}
# payload key of each field that reaches an email (a job without a service is named by its title:
# serviceName then holds the title, so job.title is checked through serviceName too).
PAYLOAD_KEYS = {
    "tenant.name": "businessName",
    "service.name": "serviceName",
    "contact.name": "contactName",
    "contact.email": "contactEmail",
    "contact.phone": "contactPhone",
    "job.notes": "notes",
}
ROUNDS = max(len(FIELD_BY_NAME[name].values()) for name in ("service.name", "contact.name", "job.title"))


def value(field: str, round_: int) -> str:
    values = FIELD_BY_NAME[field].values()
    return values[round_ % len(values)].text


def hostile_payload(kind: str, round_: int, service_field: str) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "jobId": "0b6f7f5e-0000-4000-8000-000000000001",
        "title": value("job.title", round_),
        "status": "scheduled",
        "startTime": "2030-03-12T14:30:00+00:00",
        "endTime": "2030-03-12T15:30:00+00:00",
        "timeZone": "America/New_York",
        "contractorEmail": "owner@example.com",
        "icsSequence": 7,
        "reason": value(REASON_FIELD[kind], round_) if kind in REASON_FIELD else None,
        "previousStartTime": "2030-03-11T14:30:00+00:00" if "reschedule" in kind else None,
        "previousEndTime": "2030-03-11T15:30:00+00:00" if "reschedule" in kind else None,
    }
    for field, key in PAYLOAD_KEYS.items():
        payload[key] = value(field, round_)
    payload["serviceName"] = value(service_field, round_)
    return payload


def expected_in(kind: str, payload: dict[str, Any], service_field: str) -> list[Expected]:
    shown = {**{f: payload[k] for f, k in PAYLOAD_KEYS.items()}, service_field: payload["serviceName"]}
    if kind in REASON_FIELD:
        shown[REASON_FIELD[kind]] = payload["reason"]
    expected = []
    for field in FIELDS:
        parts = tuple(p for k, ps in field.emails if k == kind for p in ps if p in (SUBJECT, TEXT, HTML))
        if parts and field.name in shown:
            expected.append(Expected(field.name, shown[field.name], parts))
    return expected


def delivered(kind: str, payload: dict[str, Any]) -> EmailMessage:
    """The message as SES would receive it (CRLF, SMTP policy), parsed back."""
    recipient = (
        payload["contactEmail"] if ALL_KINDS[kind].audience == "client" else payload["contractorEmail"]
    )
    rendered = render(kind, recipient, payload, public_app_url="https://book.example.com")
    raw = build_message(rendered, sender="bookings@example.com", outbox_id=1).as_bytes(
        policy=email.policy.SMTP
    )
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


@pytest.mark.parametrize("service_field", ["service.name", "job.title"])
@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_every_email_keeps_every_hostile_field_inert(kind: str, service_field: str) -> None:
    for round_ in range(ROUNDS):
        payload = hostile_payload(kind, round_, service_field)
        message = delivered(kind, payload)
        summary = f"{payload['serviceName']} - {payload['businessName']}" if kind in ICS_KINDS else None
        problems = email_problems(message, expected_in(kind, payload, service_field), ics_summary=summary)
        assert problems == [], "\n".join(problems)
        recipient = payload["contactEmail"] if ALL_KINDS[kind].audience == "client" else "owner@example.com"
        assert message["To"].addresses[0].addr_spec.replace('"', "").endswith(recipient.rsplit("@", 1)[1])
        assert f"{message['To'].addresses[0].username}@example.com" == recipient, message["To"]


def test_every_field_that_reaches_an_email_is_checked_here() -> None:
    reaching = {f.name for f in FIELDS if f.emails}
    assert reaching <= {*PAYLOAD_KEYS, "service.name", "job.title", *REASON_FIELD.values()}


# Teeth of the checker itself.


def message_with(
    html: str, *, subject: str = "Booking", headers: dict[str, str] | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["X-Email-Kind"] = "client_instant_confirmation"
    for name, header_value in (headers or {}).items():
        message[name] = header_value
    message.set_content("Hello")
    message.add_alternative(html, subtype="html")
    return message


def test_raw_markup_in_the_html_is_named() -> None:
    raw = FIELD_BY_NAME["contact.name"].values()[0].text
    problems = email_problems(message_with(f"<p>Hello {raw}</p>"), [Expected("contact.name", raw, (HTML,))])
    assert any("injected element <script" in p for p in problems), problems
    assert any("contact.name not shown as stored in the html part" in p for p in problems), problems


def test_an_injected_header_is_named() -> None:
    problems = email_problems(message_with("<p>x</p>", headers={"Bcc": "hostile@example.com"}), [])
    assert problems == [
        "client_instant_confirmation: a stored value added the header bcc: 'hostile@example.com'"
    ]


def test_an_injected_ics_property_is_named() -> None:
    message = message_with("<p>x</p>")
    message.make_mixed()
    ics = (
        "BEGIN:VCALENDAR\r\nPRODID:x\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Visit - Shop\r\n"
        "ATTACH:https://evil.example/x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    message.add_attachment(ics.encode(), maintype="text", subtype="calendar", filename="invite.ics")
    problems = email_problems(message, [], ics_summary="Visit - Shop")
    assert problems == ["client_instant_confirmation .ics: .ics event has injected properties ['ATTACH']"]
