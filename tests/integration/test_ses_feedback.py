"""The SES feedback loop on a real moto server over HTTP: SES -> SNS topic -> SQS queue -> the
worker -> the tenant's suppression list -> the sender suppresses the next email.

Three sources of notifications: the mailbox simulator's addresses (the local AWS server answers
them as SES does, naming the real recipient and message), moto's own fixed template (names
nobody of ours: dropped), and hand-made notification bodies published through the real topic.
"""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.emails.feedback import FeedbackWorker
from reference_app.local.seed import SeedResult
from reference_app.local.ses import FEEDBACK_TOPIC, LocalSes
from reference_app.settings import Settings
from tests.integration.calls import book, wait_until
from tests.integration.conftest import ses_settings

BOUNCE = "bounce@simulator.amazonses.com"
COMPLAINT = "complaint@simulator.amazonses.com"
SLOT = "2030-01-10T10:00:00-05:00"


@pytest.fixture
def feedback_client(settings: Settings, moto_ses: LocalSes) -> Iterator[TestClient[Any]]:
    app_settings = ses_settings(settings, moto_ses.url, ses_feedback_queue_url=moto_ses.feedback_queue_url)
    with TestClient(create_app(app_settings)) as client:
        yield client


def _suppressions(client: TestClient[Any], headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    response = client.get("/admin/suppressions", headers=headers)
    assert response.status_code == 200, response.text
    return {entry["email"]: entry for entry in response.json()["suppressions"]}


def _outbox_states(client: TestClient[Any], headers: dict[str, str], recipient: str) -> list[tuple[str, str]]:
    emails = client.get("/admin/outbox", headers=headers).json()["emails"]
    return [(e["kind"], e["state"]) for e in emails if e["recipient"] == recipient]


@pytest.mark.parametrize(("address", "reason"), [(BOUNCE, "bounce"), (COMPLAINT, "complaint")])
def test_simulator_feedback_suppresses_the_address_and_the_next_email(
    feedback_client: TestClient[Any],
    admin_headers: dict[str, str],
    tenant: SeedResult,
    address: str,
    reason: str,
) -> None:
    booked = book(feedback_client, tenant.services["standard"], SLOT, email=address)
    assert booked.status_code == 201, booked.text
    found = wait_until(
        lambda: _suppressions(feedback_client, admin_headers).get(address), what=f"{address} suppressed"
    )
    assert found["reason"] == reason
    assert found["createdAt"]
    job_id = booked.json()["job"]["id"]
    cancelled = feedback_client.post(f"/jobs/{job_id}/cancel", json={"reason": "test"}, headers=admin_headers)
    assert cancelled.status_code == 200, cancelled.text
    states = wait_until(
        lambda: (
            dict(_outbox_states(feedback_client, admin_headers, address)).get("client_cancellation")
            not in (None, "pending")
            and _outbox_states(feedback_client, admin_headers, address)
        ),
        what="the cancellation email settled",
    )
    assert dict(states)["client_cancellation"] == "suppressed"
    assert dict(states)["client_instant_confirmation"] == "sent"
    only_suppressed = feedback_client.get("/admin/outbox?state=suppressed", headers=admin_headers).json()
    assert [e["recipient"] for e in only_suppressed["emails"]] == [address]


def test_an_admin_lifts_a_suppression(
    feedback_client: TestClient[Any], admin_headers: dict[str, str], tenant: SeedResult, database_url: str
) -> None:
    other = seed_other_tenant_suppression(database_url, BOUNCE)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO email_suppressions (tenant_id, email, reason) VALUES (%s, %s, 'bounce')",
            (tenant.tenant_id, "gone@example.com"),
        )
    assert set(_suppressions(feedback_client, admin_headers)) == {
        "gone@example.com"
    }  # not the other tenant's
    lifted = feedback_client.delete("/admin/suppressions/GONE@example.com", headers=admin_headers)
    assert lifted.status_code == 204
    assert _suppressions(feedback_client, admin_headers) == {}
    again = feedback_client.delete("/admin/suppressions/gone@example.com", headers=admin_headers)
    assert again.status_code == 404
    foreign = feedback_client.delete(f"/admin/suppressions/{BOUNCE}", headers=admin_headers)
    assert foreign.status_code == 404  # another tenant's entry is not visible, nor lifted
    with psycopg.connect(database_url) as conn:
        assert conn.execute(
            "SELECT count(*) FROM email_suppressions WHERE tenant_id = %s", (other,)
        ).fetchone() == (1,)
    assert feedback_client.get("/admin/suppressions").status_code == 401
    assert feedback_client.delete("/admin/suppressions/x@example.com").status_code == 401


def seed_other_tenant_suppression(database_url: str, address: str) -> str:
    from reference_app.local.seed import seed

    other = seed(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO email_suppressions (tenant_id, email, reason) VALUES (%s, %s, 'bounce')",
            (other.tenant_id, address),
        )
    return other.tenant_id


# --- the worker on hand-made and malformed messages, through the real topic and queue -------


@pytest.fixture
def worker(settings: Settings, moto_ses: LocalSes) -> Iterator[tuple[FeedbackWorker, Any]]:
    """A worker on its own fresh queue subscribed to the feedback topic."""
    sns, sqs = moto_ses.client("sns"), moto_ses.client("sqs")
    queue_url = sqs.create_queue(QueueName=f"feedback-test-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    topic_arn = sns.create_topic(Name=FEEDBACK_TOPIC)["TopicArn"]
    subscription = sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)["SubscriptionArn"]
    app_settings = dataclasses.replace(
        ses_settings(settings, moto_ses.url), ses_feedback_queue_url=queue_url, email_poll_seconds=0
    )
    import asyncio

    from reference_app.db import make_pool

    async def make() -> Any:
        pool = make_pool(app_settings)
        await pool.open()
        return pool

    loop = asyncio.new_event_loop()
    pool = loop.run_until_complete(make())
    worker = FeedbackWorker(pool, app_settings)
    try:
        yield worker, (loop, sns, sqs, topic_arn, queue_url)
    finally:
        sns.unsubscribe(SubscriptionArn=subscription)
        sqs.delete_queue(QueueUrl=queue_url)
        loop.run_until_complete(pool.close())
        loop.close()


def _insert_sent_email(database_url: str, tenant_id: str, recipient: str) -> tuple[int, str]:
    message_id = f"0100-{uuid.uuid4()}-000000"
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "INSERT INTO email_outbox (tenant_id, kind, recipient, payload, state, ses_message_id)"
            " VALUES (%s, 'client_instant_confirmation', %s, '{}', 'sent', %s) RETURNING id",
            (tenant_id, recipient, message_id),
        ).fetchone()
    assert row is not None
    return int(row[0]), message_id


def _ses_notice(kind: str, recipient: str, message_id: str, **overrides: Any) -> dict[str, Any]:
    mail = {"messageId": message_id, "source": "bookings@demo.example.com", "destination": [recipient]}
    if kind == "Bounce":
        detail = {
            "bounceType": overrides.get("bounceType", "Permanent"),
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": recipient, "status": "5.1.1"}],
            "feedbackId": "hand-made-1",
        }
        return {"notificationType": "Bounce", "bounce": detail, "mail": mail}
    detail = {"complainedRecipients": [{"emailAddress": recipient}], "complaintFeedbackType": "abuse"}
    return {"notificationType": "Complaint", "complaint": detail, "mail": mail}


def _drain(worker: FeedbackWorker, loop: Any, expected: int) -> list[str]:
    outcomes: list[str] = []
    deadline = time.monotonic() + 20
    while len(outcomes) < expected and time.monotonic() < deadline:
        outcomes += loop.run_until_complete(worker.poll_once())
    return outcomes


def test_hand_made_notifications_through_the_topic(
    worker: tuple[FeedbackWorker, Any], tenant: SeedResult, database_url: str
) -> None:
    feedback_worker, (loop, sns, _sqs, topic_arn, _queue) = worker
    _, bounced_id = _insert_sent_email(database_url, tenant.tenant_id, "Hard@Example.com")
    _, complained_id = _insert_sent_email(database_url, tenant.tenant_id, "annoyed@example.com")
    _, soft_id = _insert_sent_email(database_url, tenant.tenant_id, "full@example.com")
    for notice in (
        _ses_notice("Bounce", "Hard@Example.com", bounced_id),
        _ses_notice("Complaint", "annoyed@example.com", complained_id),
        _ses_notice("Bounce", "full@example.com", soft_id, bounceType="Transient"),
        _ses_notice("Bounce", "stranger@example.com", f"not-ours-{uuid.uuid4()}"),
    ):
        sns.publish(TopicArn=topic_arn, Message=json.dumps(notice))
    assert sorted(_drain(feedback_worker, loop, 4)) == ["applied", "applied", "ignored", "unknown"]
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT email, reason FROM email_suppressions WHERE tenant_id = %s ORDER BY email",
            (tenant.tenant_id,),
        ).fetchall()
    assert rows == [("annoyed@example.com", "complaint"), ("hard@example.com", "bounce")]


def test_moto_template_notification_is_dropped(worker: tuple[FeedbackWorker, Any], database_url: str) -> None:
    from moto.ses.models import SESFeedback

    feedback_worker, (loop, sns, _sqs, topic_arn, _queue) = worker
    template = SESFeedback.generate_message("123456789012", SESFeedback.BOUNCE)
    sns.publish(TopicArn=topic_arn, Message=json.dumps(template))
    # Its notificationType is the literal "Bounce, Complaint, or Delivery." of the SES docs'
    # table: not a type SES sends, so the message is malformed, and nothing is suppressed.
    assert _drain(feedback_worker, loop, 1) == ["malformed"]
    with psycopg.connect(database_url) as conn:
        found = conn.execute(
            "SELECT count(*) FROM email_suppressions WHERE email LIKE 'recipient%%'"
        ).fetchone()
    assert found == (0,)


@pytest.mark.parametrize(
    "body",
    [
        "not json at all",
        "[]",
        '{"Type": "Notification", "Message": "{not json"}',
        '{"Type": "Notification", "Message": 42}',
        json.dumps({"Type": "Notification", "Message": json.dumps({"notificationType": "Bounce"})}),
        json.dumps({"notificationType": "Bounce", "mail": {}, "bounce": {"bounceType": "Permanent"}}),
        json.dumps(
            {
                "notificationType": "Bounce",
                "mail": {},
                "bounce": {"bounceType": "Permanent", "bouncedRecipients": [{}]},
            }
        ),
        json.dumps({"notificationType": "Complaint", "mail": {}, "complaint": {"complainedRecipients": "x"}}),
        json.dumps({"notificationType": "Surprise", "mail": {}}),
        json.dumps({"notificationType": ["Bounce"], "mail": {}}),
        "x" * 200_000,
    ],
    ids=lambda body: body[:40],
)
def test_malformed_messages_are_dropped_and_the_worker_goes_on(
    worker: tuple[FeedbackWorker, Any], tenant: SeedResult, database_url: str, body: str
) -> None:
    feedback_worker, (loop, _sns, sqs, _topic, queue_url) = worker
    _, message_id = _insert_sent_email(database_url, tenant.tenant_id, "after@example.com")
    sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    sqs.send_message(
        QueueUrl=queue_url, MessageBody=json.dumps(_ses_notice("Bounce", "after@example.com", message_id))
    )
    assert sorted(_drain(feedback_worker, loop, 2)) == ["applied", "malformed"]
    assert _drain(feedback_worker, loop, 0) == []  # both deleted: nothing comes back
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT reason FROM email_suppressions WHERE tenant_id = %s AND email = 'after@example.com'",
            (tenant.tenant_id,),
        ).fetchone()
    assert row == ("bounce",)
