"""Read what a moto SES server delivered, over HTTP (its /moto-api/data.json), from any process.

mailbox = Mailbox("http://127.0.0.1:5000")
[confirmation] = mailbox.wait_for("client@example.com", r"confirmed", timeout=10)
confirmation.text, confirmation.html, confirmation.attachments["invite.ics"]
"""

from __future__ import annotations

import email
import email.policy
import re
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses

import httpx


@dataclass(frozen=True)
class DeliveredEmail:
    id: str
    source: str
    recipients: tuple[str, ...]
    message: EmailMessage = field(repr=False)

    @property
    def subject(self) -> str:
        # Python's parser keeps the space of a header folded right after its colon.
        return " ".join(str(self.message["Subject"] or "").split())

    @property
    def header(self) -> dict[str, str]:
        return {k.lower(): str(v) for k, v in self.message.items()}

    def _body(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        return "" if part is None else str(part.get_content())  # type: ignore[attr-defined]

    @property
    def text(self) -> str:
        return self._body("plain")

    @property
    def html(self) -> str:
        return self._body("html")

    @property
    def attachments(self) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for part in self.message.iter_attachments():
            payload = part.get_payload(decode=True)
            found[part.get_filename() or part.get_content_type()] = (
                payload if isinstance(payload, bytes) else b""
            )
        return found


class MailboxTimeout(AssertionError):
    pass


class Mailbox:
    def __init__(self, url: str, *, client: httpx.Client | None = None) -> None:
        self.url = url.rstrip("/")
        self.http = client or httpx.Client(timeout=10)

    def messages(self) -> list[DeliveredEmail]:
        data = self.http.get(f"{self.url}/moto-api/data.json").json()
        delivered = []
        for raw in data.get("ses", {}).get("RawMessage", []):
            message = email.message_from_string(raw["raw_data"], policy=email.policy.default)
            assert isinstance(message, EmailMessage)
            to = tuple(addr.lower() for _, addr in getaddresses([str(message.get("To", ""))]) if addr)
            delivered.append(DeliveredEmail(raw["id"], str(raw.get("source", "")), to, message))
        return delivered

    def for_recipient(self, recipient: str, subject: str = "") -> list[DeliveredEmail]:
        pattern = re.compile(subject)
        return [m for m in self.messages() if recipient.lower() in m.recipients and pattern.search(m.subject)]

    def wait_for(
        self, recipient: str, subject: str = "", *, count: int = 1, timeout: float = 15.0
    ) -> list[DeliveredEmail]:
        """At least `count` messages to recipient whose subject matches the regex, or raise."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.for_recipient(recipient, subject)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                raise MailboxTimeout(
                    f"{len(found)} of {count} message(s) to {recipient} matching {subject!r} "
                    f"arrived within {timeout} s; delivered subjects: "
                    f"{[m.subject for m in self.messages() if recipient.lower() in m.recipients]}"
                )
            time.sleep(0.1)
