"""SES bounce and complaint notifications, as they arrive from an SQS queue subscribed to the
SNS topic SES publishes to: an SNS envelope whose Message is SES's JSON (or, with raw message
delivery, SES's JSON itself). Anything else is malformed: the caller logs and drops it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

Reason = Literal["bounce", "complaint"]
MAX_BODY_CHARS = 256 * 1024  # SQS's own message limit
MAX_ADDRESS_CHARS = 320


class MalformedNotice(ValueError):
    """Not an SES bounce or complaint notification we can act on."""


@dataclass(frozen=True)
class Feedback:
    reason: Reason
    recipients: tuple[str, ...]  # lower-cased
    message_id: str | None  # SES's id of the message that bounced (our ses_message_id)
    outbox_id: int | None  # our X-Outbox-Id header, when SES included the headers
    feedback_id: str | None
    detail: str


def _object(value: Any, what: str) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
            raise MalformedNotice(f"{what} is not JSON") from None
    if not isinstance(value, dict):
        raise MalformedNotice(f"{what} is not a JSON object")
    return value


def _addresses(entries: Any, what: str) -> tuple[str, ...]:
    if not isinstance(entries, list) or not entries:
        raise MalformedNotice(f"{what} is not a non-empty list")
    found = []
    for entry in entries:
        address = entry.get("emailAddress") if isinstance(entry, dict) else None
        if not isinstance(address, str) or "@" not in address or len(address) > MAX_ADDRESS_CHARS:
            raise MalformedNotice(f"{what} holds an entry without a valid emailAddress")
        found.append(address.strip().lower())
    return tuple(found)


def _text(value: Any) -> str | None:
    return str(value)[:200] if value is not None else None


def _outbox_id(mail: dict[str, Any]) -> int | None:
    headers = mail.get("headers")
    if not isinstance(headers, list):
        return None
    for header in headers:
        if isinstance(header, dict) and str(header.get("name", "")).lower() == "x-outbox-id":
            value = str(header.get("value", "")).strip()
            return int(value) if value.isdigit() and len(value) < 19 else None
    return None


def parse_feedback(body: str) -> Feedback | None:
    """The feedback in an SQS message body; None for a notification that needs no action
    (a delivery, a transient bounce); MalformedNotice for anything unreadable."""
    if len(body) > MAX_BODY_CHARS:
        raise MalformedNotice("message larger than SQS allows")
    outer = _object(body, "message body")
    notice = _object(outer.get("Message"), "SNS Message") if outer.get("Type") == "Notification" else outer
    kind = notice.get("notificationType") or notice.get("eventType")
    if not isinstance(kind, str):
        raise MalformedNotice("no notificationType")
    mail = notice.get("mail")
    if not isinstance(mail, dict):
        raise MalformedNotice("no mail object")
    message_id = mail.get("messageId") if isinstance(mail.get("messageId"), str) else None
    if kind == "Bounce":
        bounce = _object(notice.get("bounce"), "bounce")
        if bounce.get("bounceType") != "Permanent":
            return None  # transient or undetermined: SES retries, the address stays usable
        recipients = _addresses(bounce.get("bouncedRecipients"), "bouncedRecipients")
        detail = f"{bounce.get('bounceType')}/{bounce.get('bounceSubType', '')}"
        return Feedback(
            "bounce", recipients, message_id, _outbox_id(mail), _text(bounce.get("feedbackId")), detail
        )
    if kind == "Complaint":
        complaint = _object(notice.get("complaint"), "complaint")
        recipients = _addresses(complaint.get("complainedRecipients"), "complainedRecipients")
        detail = str(complaint.get("complaintFeedbackType") or "complaint")[:200]
        return Feedback(
            "complaint", recipients, message_id, _outbox_id(mail), _text(complaint.get("feedbackId")), detail
        )
    if kind in {"Delivery", "Send", "Reject", "Open", "Click", "DeliveryDelay", "Rendering Failure"}:
        return None
    raise MalformedNotice(f"unknown notification type {str(kind)[:40]!r}")
