"""SES notification bodies, as SQS hands them over: what is acted on, ignored, or refused."""

from __future__ import annotations

import json
from typing import Any

import pytest

from reference_app.emails.feedback_notice import MalformedNotice, parse_feedback


def envelope(notice: Any) -> str:
    return json.dumps({"Type": "Notification", "MessageId": "m-1", "Message": json.dumps(notice)})


MAIL = {
    "messageId": "0100-abc",
    "headers": [{"name": "X-Outbox-Id", "value": "42"}, {"name": "Subject", "value": "Hi"}],
}


def test_permanent_bounce_in_an_sns_envelope() -> None:
    notice = {
        "notificationType": "Bounce",
        "mail": MAIL,
        "bounce": {
            "bounceType": "Permanent",
            "bounceSubType": "NoEmail",
            "bouncedRecipients": [{"emailAddress": "Gone@Example.com"}, {"emailAddress": "b@example.com"}],
            "feedbackId": "fb-1",
        },
    }
    feedback = parse_feedback(envelope(notice))
    assert feedback is not None
    assert (feedback.reason, feedback.recipients) == ("bounce", ("gone@example.com", "b@example.com"))
    assert (feedback.message_id, feedback.outbox_id, feedback.feedback_id) == ("0100-abc", 42, "fb-1")
    assert feedback.detail == "Permanent/NoEmail"


def test_complaint_with_raw_message_delivery() -> None:
    notice = {
        "notificationType": "Complaint",
        "mail": {"messageId": "0100-def"},
        "complaint": {"complainedRecipients": [{"emailAddress": "angry@example.com"}]},
    }
    feedback = parse_feedback(json.dumps(notice))
    assert feedback is not None
    assert (feedback.reason, feedback.recipients, feedback.outbox_id) == (
        "complaint",
        ("angry@example.com",),
        None,
    )


@pytest.mark.parametrize(
    "notice",
    [
        {
            "notificationType": "Bounce",
            "mail": MAIL,
            "bounce": {"bounceType": "Transient", "bouncedRecipients": []},
        },
        {"notificationType": "Delivery", "mail": MAIL, "delivery": {}},
        {"eventType": "Send", "mail": MAIL},
    ],
)
def test_notifications_needing_no_action(notice: dict[str, Any]) -> None:
    assert parse_feedback(envelope(notice)) is None


@pytest.mark.parametrize(
    "body",
    [
        "",
        "null",
        '"a string"',
        json.dumps({"Type": "Notification", "Message": None}),
        json.dumps({"Type": "Notification"}),
        envelope({"notificationType": ["Bounce"], "mail": MAIL}),
        envelope({"notificationType": {"a": 1}, "mail": MAIL}),
        envelope({"notificationType": "Bounce"}),
        envelope({"notificationType": "Bounce", "mail": MAIL, "bounce": "Permanent"}),
        envelope({"notificationType": "Bounce", "mail": MAIL, "bounce": {"bounceType": "Permanent"}}),
        envelope(
            {
                "notificationType": "Bounce",
                "mail": MAIL,
                "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{"emailAddress": "no-at-sign"}]},
            }
        ),
        envelope(
            {
                "notificationType": "Complaint",
                "mail": MAIL,
                "complaint": {"complainedRecipients": [{"emailAddress": "a@" + "x" * 400}]},
            }
        ),
        envelope({"notificationType": "Bounce, Complaint, or Delivery.", "mail": MAIL}),
        "[" * 100_000,
    ],
)
def test_malformed_bodies_raise_one_error_type(body: str) -> None:
    with pytest.raises(MalformedNotice):
        parse_feedback(body)
