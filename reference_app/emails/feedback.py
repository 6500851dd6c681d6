"""The SES feedback worker: polls SES_FEEDBACK_QUEUE_URL (an SQS queue subscribed to the SNS
topic SES publishes bounces and complaints to) and puts hard-bounced and complaining addresses
on the tenant's suppression list.

A message is deleted once handled: applied, needing no action, or unreadable (logged and
dropped, so a poison message cannot block the queue). When the database fails it is kept, and
SQS delivers it again after its visibility timeout. No message ever stops the worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from litestar import Litestar
from psycopg_pool import AsyncConnectionPool

from reference_app.db import Connection
from reference_app.emails.feedback_notice import MalformedNotice, parse_feedback
from reference_app.emails.suppression import apply_feedback
from reference_app.settings import Settings

log = logging.getLogger(__name__)


def sqs_client(settings: Settings) -> Any:
    # Imported here: a process that polls no feedback queue starts without boto3.
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=3, read_timeout=30, retries={"max_attempts": 2})
    return boto3.client(
        "sqs", region_name=settings.ses_region, endpoint_url=settings.aws_endpoint, config=config
    )


class FeedbackWorker:
    def __init__(self, pool: AsyncConnectionPool[Connection], settings: Settings, client: Any = None) -> None:
        assert settings.ses_feedback_queue_url, "the worker needs SES_FEEDBACK_QUEUE_URL"
        self.pool = pool
        self.queue_url = settings.ses_feedback_queue_url
        self.wait_seconds = max(0, min(20, int(settings.email_poll_seconds)))
        self.client = client or sqs_client(settings)

    async def handle(self, body: str) -> str:
        """What became of one message: applied, ignored, unknown or malformed (all deletable)."""
        try:
            feedback = parse_feedback(body)
        except MalformedNotice as exc:
            log.warning("dropping malformed SES feedback message: %s", exc)
            return "malformed"
        except Exception:  # a body the parser did not foresee: dropped too, never retried forever
            log.exception("dropping unreadable SES feedback message")
            return "malformed"
        if feedback is None:
            return "ignored"
        async with self.pool.connection() as conn, conn.transaction():
            tenant = await apply_feedback(conn, feedback)
        if tenant is None:
            log.warning(
                "dropping SES %s for %s: message %s is not one of ours",
                feedback.reason,
                ",".join(feedback.recipients),
                feedback.message_id,
            )
            return "unknown"
        log.info("suppressed %s for tenant %s (%s)", ",".join(feedback.recipients), tenant, feedback.reason)
        return "applied"

    async def poll_once(self) -> list[str]:
        response = await asyncio.to_thread(
            self.client.receive_message,
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=self.wait_seconds,
        )
        outcomes = []
        for message in response.get("Messages", []):
            try:
                outcome = await self.handle(str(message.get("Body", "")))
            except Exception:
                log.exception("SES feedback message kept for redelivery: applying it failed")
                outcomes.append("retry")
                continue
            await asyncio.to_thread(
                self.client.delete_message, QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"]
            )
            outcomes.append(outcome)
        return outcomes

    async def run(self, stop: asyncio.Event, idle_seconds: float = 1.0) -> None:
        while not stop.is_set():
            try:
                received = await self.poll_once()
            except Exception:
                log.exception("polling the SES feedback queue failed; retrying")
                received = []
            if not received:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=idle_seconds)
                except TimeoutError:
                    pass


def feedback_lifespan(settings: Settings) -> Any:
    """Poll the feedback queue in the server process when it also sends (EMAIL_SENDER_ENABLED),
    so feedback is handled wherever mail goes out; the local stack's sender process does it
    for its servers."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if not (settings.email_sender_enabled and settings.ses_feedback_queue_url):
            yield
            return
        stop = asyncio.Event()
        task = asyncio.create_task(FeedbackWorker(app.state.pool, settings).run(stop), name="ses-feedback")
        try:
            yield
        finally:
            stop.set()
            await task

    return lifespan
