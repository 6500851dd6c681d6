"""A moto server in its own process on loopback: the local stand-in for AWS (SES, SNS, SQS and
CloudWatch, all on one port; see aws_server.py for its SES mailbox simulator).

The service talks to it over HTTP exactly as it would to AWS; anyone can read what was sent
from its /moto-api/data.json (see harness/mailbox.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx

from reference_app.local.serving import log_size, serves_on

LOCAL_REGION = "us-east-1"
# SES -> SNS -> SQS: where SES's bounce and complaint notifications go, and the worker reads.
FEEDBACK_TOPIC = "booking-ses-feedback"
FEEDBACK_QUEUE = "booking-ses-feedback"
# moto accepts any credentials; boto3 only needs some to sign requests.
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@dataclass
class LocalSes:
    url: str
    process: subprocess.Popen[bytes]

    feedback_queue_url: str | None = None

    def client(self, service: str = "ses") -> Any:
        return boto3.client(
            service,
            region_name=LOCAL_REGION,
            endpoint_url=self.url,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def verify_sender(self, address: str) -> None:
        self.client().verify_email_identity(EmailAddress=address)

    def wire_feedback(self, sender: str) -> str:
        """As production wires it: the sender's domain publishes bounces and complaints to an
        SNS topic, and an SQS queue subscribed to it holds them for the worker. Returns the
        queue's URL."""
        sns, sqs, ses = self.client("sns"), self.client("sqs"), self.client()
        topic_arn = sns.create_topic(Name=FEEDBACK_TOPIC)["TopicArn"]
        queue_url = sqs.create_queue(QueueName=FEEDBACK_QUEUE)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
        domain = sender.rpartition("@")[2]
        ses.verify_domain_identity(Domain=domain)
        for kind in ("Bounce", "Complaint"):
            ses.set_identity_notification_topic(Identity=domain, NotificationType=kind, SnsTopic=topic_arn)
        self.feedback_queue_url = queue_url
        return queue_url

    def service_env(self, sender: str) -> dict[str, str]:
        """Environment that points the booking service at this server."""
        env = {
            "SES_ENABLED": "true",
            "SES_ENDPOINT_URL": self.url,
            "SES_REGION": LOCAL_REGION,
            "SES_FROM_ADDRESS": sender,
            **FAKE_CREDENTIALS,
        }
        if self.feedback_queue_url:
            env["SES_FEEDBACK_QUEUE_URL"] = self.feedback_queue_url
        return env

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def lower_priority(niceness: int) -> Callable[[], None] | None:
    """A child's preexec_fn that raises its niceness by `niceness` (none for 0)."""
    if not niceness:
        return None

    def lower() -> None:
        os.nice(niceness)

    return lower


# A niced moto on a machine whose cores are busy (CI runs sessions side by side) took over 30 s
# to import and bind; a start that fails outright still says so at once (it exits).
START_TIMEOUT_S = 90


def start_local_ses(
    port: int, *, host: str = "127.0.0.1", log_path: Path | None = None, niceness: int = 0
) -> LocalSes:
    """A moto server on host:port; `niceness` lowers its CPU priority (it stands in for a
    remote service, so on a shared machine it should not take CPU from the service under test)."""
    started_at = log_size(log_path)  # the log is appended to: this moto's lines start here
    log = log_path.open("ab") if log_path else None
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "reference_app.local.aws_server", "-H", host, "-p", str(port)],
            stdout=log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            env={**os.environ, **FAKE_CREDENTIALS},
            preexec_fn=lower_priority(niceness),
        )
    finally:
        if log is not None:
            log.close()  # the child keeps its own handle
    ses = LocalSes(f"http://{host}:{port}", process)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with code {process.returncode}")
        try:
            httpx.get(f"{ses.url}/moto-api/data.json", timeout=1)
            if serves_on(log_path, ses.url, since=started_at):  # this moto, not another one on the port
                return ses
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    ses.stop()
    raise TimeoutError(f"moto server did not start within {START_TIMEOUT_S} s")


@contextmanager
def local_ses(
    port: int, *, sender: str, log_path: Path | None = None, niceness: int = 0
) -> Iterator[LocalSes]:
    ses = start_local_ses(port, log_path=log_path, niceness=niceness)
    try:
        ses.verify_sender(sender)
        ses.wire_feedback(sender)
        yield ses
    finally:
        ses.stop()
