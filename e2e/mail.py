"""Where the email suite reads what the service sent: a mailbox adapter.

Locally (a target with a `mailboxUrl`) that is moto's SES store, read over HTTP: the whole
message (recipient, subject, bodies, attachments). A staging target without a readable mailbox
falls back to the admin outbox: each email's kind, recipient, state `sent` and its SES message
id, but not its content, so the checks on content are skipped there, saying so."""

from __future__ import annotations

import time
from dataclasses import dataclass

from harness.adapters.reference_client import BookingApi
from harness.mailbox import DeliveredEmail, Mailbox


@dataclass(frozen=True)
class SentEmail:
    kind: str
    recipient: str
    ses_message_id: str
    # The delivered message, when the mailbox can be read (None from the outbox).
    message: DeliveredEmail | None


class EmailNotSent(AssertionError):
    pass


class MailReader:
    """Waits for the email of one kind about one job, then reads it from wherever it can."""

    def __init__(self, api: BookingApi, mailbox_url: str | None, timeout: float = 30.0) -> None:
        self.api = api
        self.mailbox = Mailbox(mailbox_url) if mailbox_url else None
        self.timeout = timeout

    @property
    def source(self) -> str:
        return "moto SES mailbox" if self.mailbox else "admin outbox (no readable mailbox)"

    def wait_for(self, job_id: str, kind: str, subject: str) -> SentEmail:
        """The email of `kind` about the job, once sent; with a mailbox, the delivered message
        whose subject matches the regex `subject`."""
        row = self._sent_row(job_id, kind)
        message = None
        if self.mailbox is not None:
            found = self.mailbox.wait_for(row["recipient"], subject, timeout=self.timeout)
            matching = [m for m in found if m.id == row["sesMessageId"]] or found
            message = matching[-1]
        return SentEmail(kind, row["recipient"], row["sesMessageId"], message)

    def sent(self, job_id: str, kind: str) -> dict[str, str]:
        """The outbox row of the email of `kind` about the job, once sent (content unread)."""
        return self._sent_row(job_id, kind)

    def kinds_for(self, job_id: str) -> list[str]:
        return sorted(row["kind"] for row in self._rows() if row["jobId"] == job_id)

    def _rows(self) -> list[dict[str, str]]:
        response = self.api.outbox()
        assert response.status_code == 200, response.text
        return list(response.json()["emails"])

    def _sent_row(self, job_id: str, kind: str) -> dict[str, str]:
        deadline = time.monotonic() + self.timeout
        while True:
            rows = [r for r in self._rows() if r["jobId"] == job_id and r["kind"] == kind]
            if not rows:
                # An email is queued in its event's transaction: once the job is there, so is
                # the email, or it never will be. Nothing to wait for.
                raise EmailNotSent(
                    f"0 message(s) to the {kind} recipient about job {job_id} were queued; the "
                    f"job's emails: {self.kinds_for(job_id)}"
                )
            sent = [r for r in rows if r["state"] == "sent" and r["sesMessageId"]]
            if sent:
                return sent[-1]
            if time.monotonic() > deadline:
                raise EmailNotSent(
                    f"0 message(s) to the {kind} recipient about job {job_id} were sent within "
                    f"{self.timeout} s; its outbox rows: {rows}"
                )
            time.sleep(0.25)
