"""Where rendered emails go: SES through boto3, or the log when SES is disabled."""

from __future__ import annotations

import email.policy
import logging
import uuid
from email.message import EmailMessage
from typing import Any, Protocol

from reference_app.settings import Settings

log = logging.getLogger(__name__)


class EmailTransport(Protocol):
    def send(self, message: EmailMessage, *, source: str) -> str:
        """Deliver the message; return the provider's message id, or raise on failure."""
        ...


class SesTransport:
    def __init__(self, settings: Settings) -> None:
        # boto3 is imported where SES is used: a server whose emails another process sends
        # starts without it (about half a second of CPU per process).
        import boto3
        from botocore.config import Config

        # Fail fast and let the outbox retry: no hidden retries inside boto3.
        config = Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 1})
        self._client: Any = boto3.client(
            "ses",
            region_name=settings.ses_region,
            endpoint_url=settings.ses_endpoint_url,
            config=config,
        )

    def send(self, message: EmailMessage, *, source: str) -> str:
        raw = message.as_bytes(policy=email.policy.SMTP)  # CRLF line ends, as SES expects
        response = self._client.send_raw_email(Source=source, RawMessage={"Data": raw})
        return str(response["MessageId"])


class LogTransport:
    """SES_ENABLED=false: development mode, the email is logged instead of sent."""

    def send(self, message: EmailMessage, *, source: str) -> str:
        log.info("email (SES disabled) to %s: %s", message["To"], message["Subject"])
        return f"logged-{uuid.uuid4()}"


def transport_for(settings: Settings) -> EmailTransport:
    return SesTransport(settings) if settings.ses_enabled else LogTransport()
