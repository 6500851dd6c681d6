"""The outbox sender: claims due rows one at a time (FOR UPDATE SKIP LOCKED, so several senders
never hold the same row), sends each through the transport, records the provider's message id,
and on failure retries with exponential backoff until the row is declared dead. No row is ever
dropped: every one ends as 'sent' or 'dead' (or 'suppressed', when SES reported its address as
bounced or complaining), and 'dead' rows stay listed for an operator.

Delivery is at-least-once: a sender that crashes after the provider accepted a message but
before its commit leaves the row pending, and it is sent again.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from psycopg_pool import AsyncConnectionPool

from reference_app.db import Connection
from reference_app.emails.mime import build_message
from reference_app.emails.render import render
from reference_app.emails.suppression import mark_suppressed, suppression_reason
from reference_app.emails.transport import EmailTransport
from reference_app.failpoints import failpoint_active
from reference_app.settings import Settings
from reference_app.sql import query

# Where the broken variant `checklist_dashboard_link_internal_host` points contractor emails:
# a host only the inside of a network would know (reference_app/faults.py).
INTERNAL_HOST_URL = "http://booking-internal:8000"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    max_seconds: float

    def delay(self, attempts_before: int) -> float:
        return float(min(self.max_seconds, self.base_seconds * (2**attempts_before)))

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            settings.email_max_attempts,
            settings.email_retry_base_seconds,
            settings.email_retry_max_seconds,
        )


class OutboxSender:
    def __init__(
        self, pool: AsyncConnectionPool[Connection], settings: Settings, transport: EmailTransport
    ) -> None:
        self.pool = pool
        self.settings = settings
        self.transport = transport
        self.retry = RetryPolicy.from_settings(settings)

    def _public_app_url(self) -> str:
        if failpoint_active("checklist_dashboard_link_internal_host"):
            return INTERNAL_HOST_URL
        return self.settings.public_app_url

    async def send_one(self) -> bool:
        """Send the next due email, if any; True when a row was processed (sent or failed)."""
        async with self.pool.connection() as conn, conn.transaction():
            cur = await conn.execute(query("claim_due_email"))
            row = await cur.fetchone()
            if row is None:
                return False
            reason = await suppression_reason(conn, row["tenant_id"], row["recipient"])
            if failpoint_active("prod_suppression_ignored"):
                reason = None
            if reason is not None:  # SES reported the address: never mail it again
                await mark_suppressed(conn, row["id"], reason)
                return True
            try:
                rendered = render(
                    row["kind"],
                    row["recipient"],
                    row["payload"],
                    public_app_url=self._public_app_url(),
                )
                message = build_message(rendered, sender=self.settings.ses_from_address, outbox_id=row["id"])
                message_id = await asyncio.to_thread(
                    self.transport.send, message, source=self.settings.ses_from_address
                )
            except Exception as exc:  # any failure is retried, never lost
                delay = self.retry.delay(row["attempts"])
                cur = await conn.execute(
                    query("mark_email_failed"),
                    {
                        "id": row["id"],
                        "error": f"{type(exc).__name__}: {exc}"[:2000],
                        "max_attempts": self.retry.max_attempts,
                        "delay_seconds": delay,
                    },
                )
                state = (await cur.fetchone() or {}).get("state")
                log.warning(
                    "email %s (%s to %s) failed, attempt %d, now %s: %s",
                    row["id"],
                    row["kind"],
                    row["recipient"],
                    row["attempts"] + 1,
                    state,
                    exc,
                )
                return True
            await conn.execute(query("mark_email_sent"), {"id": row["id"], "message_id": message_id})
            return True

    async def send_due(self, limit: int = 1000) -> int:
        """Process due emails until none is left (or limit); returns how many were processed."""
        processed = 0
        while processed < limit and await self.send_one():
            processed += 1
        return processed

    async def run(self, stop: asyncio.Event) -> None:
        """Keep sending until stop is set; polls when idle, never dies on an error."""
        while not stop.is_set():
            try:
                processed = await self.send_due(limit=100)
            except Exception:
                log.exception("outbox sender pass failed; retrying after the poll interval")
                processed = 0
            if processed == 0:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.email_poll_seconds)
                except TimeoutError:
                    pass
