"""The local AWS stand-in: a moto server (SES, SNS, SQS, CloudWatch on one port) whose SES
answers mail to the mailbox simulator's addresses as SES does.

moto does publish a notification to the identity's SNS topic when mail goes to an address
containing "bounce" or "complaint", but its body is a fixed template: it names
recipient1@example.com as the bounced recipient and a constant messageId, never the message
sent. Real SES names the real recipient and the message's id, and a feedback consumer relies
on exactly that. So this process replaces moto's template with a notification built from the
message itself (notification contents as documented by SES), for the simulator addresses
`bounce@simulator.amazonses.com` and `complaint@simulator.amazonses.com` (with +labels).

Run as `python -m reference_app.local.aws_server -H HOST -p PORT` (moto.server's options).
"""

from __future__ import annotations

import email
import json
import sys
from datetime import UTC, datetime
from email.utils import getaddresses, parseaddr
from typing import Any

SIMULATOR_DOMAIN = "simulator.amazonses.com"


def simulator_kind(address: str) -> str | None:
    """Bounce or Complaint for the simulator's addresses, else None."""
    local, _, domain = parseaddr(address)[1].lower().partition("@")
    if domain != SIMULATOR_DOMAIN:
        return None
    base = local.split("+", 1)[0]
    return {"bounce": "Bounce", "complaint": "Complaint"}.get(base)


def notification(
    kind: str,
    *,
    message_id: str,
    source: str,
    destinations: list[str],
    raw: str,
    recipient: str,
    account_id: str,
    region: str,
) -> dict[str, Any]:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    parsed = email.message_from_string(raw)
    headers = [{"name": name, "value": str(value)} for name, value in parsed.items()]
    mail = {
        "timestamp": now,
        "messageId": message_id,
        "source": source,
        "sourceArn": f"arn:aws:ses:{region}:{account_id}:identity/{source.rpartition('@')[2]}",
        "sendingAccountId": account_id,
        "destination": [parseaddr(d)[1] for d in destinations],
        "headersTruncated": False,
        "headers": headers,
        "commonHeaders": {
            "from": [str(parsed.get("From", source))],
            "to": [addr for _, addr in getaddresses(parsed.get_all("To", []))],
            "subject": str(parsed.get("Subject", "")),
        },
    }
    feedback_id = f"{message_id}-feedback"
    if kind == "Bounce":
        return {
            "notificationType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bounceSubType": "General",
                "bouncedRecipients": [
                    {
                        "emailAddress": recipient,
                        "action": "failed",
                        "status": "5.1.1",
                        "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                    }
                ],
                "timestamp": now,
                "feedbackId": feedback_id,
                "reportingMTA": "dsn; a27-23.smtp-out.us-west-2.amazonses.com",
            },
            "mail": mail,
        }
    return {
        "notificationType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": recipient}],
            "timestamp": now,
            "feedbackId": feedback_id,
            "complaintFeedbackType": "abuse",
            "userAgent": "Mailbox simulator",
        },
        "mail": mail,
    }


def install_simulator() -> None:
    from moto.ses.models import SESBackend
    from moto.sns.models import sns_backends

    original = SESBackend.send_raw_email

    def send_raw_email(self: Any, source: str, destinations: list[str], raw_data: str) -> Any:
        topics = self.sns_topics
        self.sns_topics = {}  # moto's own template notification: replaced below
        try:
            message = original(self, source, destinations, raw_data)
        finally:
            self.sns_topics = topics
        sender = parseaddr(message.source)[1]
        identity = topics.get(sender) or topics.get(sender.rpartition("@")[2]) or {}
        for recipient in {parseaddr(d)[1] for d in message.destinations}:
            kind = simulator_kind(recipient)
            topic = identity.get(kind) if kind else None
            if kind is None or topic is None:
                continue
            body = notification(
                kind,
                message_id=message.id,
                source=sender,
                destinations=message.destinations,
                raw=raw_data,
                recipient=recipient,
                account_id=self.account_id,
                region=self.region_name,
            )
            sns_backends[self.account_id][self.region_name].publish(json.dumps(body), arn=topic)
        return message

    SESBackend.send_raw_email = send_raw_email  # type: ignore[method-assign]


def main() -> None:
    from moto.server import main as moto_main

    install_simulator()
    moto_main(sys.argv[1:])


if __name__ == "__main__":
    main()
