"""Build the raw MIME message: text and HTML alternatives, plus the .ics where the kind has one."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from reference_app.emails.ics import calendar_attachment
from reference_app.emails.render import RenderedEmail


def build_message(email: RenderedEmail, *, sender: str, outbox_id: int) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = email.subject
    # Header values are one line each (a business name may hold line breaks), and an address is
    # built from its parts so a local part with quotes or brackets is quoted, not misread.
    message["From"] = formataddr((" ".join(email.payload["businessName"].split()), sender))
    local_part, domain = email.recipient.rsplit("@", 1)
    message["To"] = Address(username=local_part, domain=domain)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{outbox_id}")
    # Lets a reader of the mailbox tie a delivered message to its outbox row and job.
    message["X-Outbox-Id"] = str(outbox_id)
    message["X-Job-Id"] = email.payload["jobId"]
    message["X-Email-Kind"] = email.kind.name
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    if email.kind.ics is not None:
        message.make_mixed()
        message.add_attachment(
            calendar_attachment(email.payload, email.kind.ics, sender),
            maintype="text",
            subtype="calendar",
            filename="cancel.ics" if email.kind.ics == "CANCEL" else "invite.ics",
            params={"method": email.kind.ics},
        )
    return message
