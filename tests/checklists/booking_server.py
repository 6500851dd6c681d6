"""A small booking target over real HTTP for the email items: it offers slots, takes bookings,
mails the contractor through a real moto SES server, and keeps a suppression list that it fills
(or, when told to break, does not) for SES's simulator addresses."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import boto3

from harness.adapters import reference_paths as paths
from tests.checklists.route_server import Answer, Request, RouteServer

SIMULATOR = {"bounce@simulator.amazonses.com": "bounce", "complaint@simulator.amazonses.com": "complaint"}
CONTRACTOR = "owner@checklist.example.com"
SENDER = "bookings@checklist.example.com"


@dataclass
class BookingServer:
    """`suppress`: record simulator bounces/complaints; `link_base`: where dashboard links point."""

    suppress: bool = True
    link_base: str = "http://127.0.0.1"
    moto_url: str | None = None
    suppressed: dict[str, str] = field(default_factory=dict)
    bookings: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)

    def routes(self) -> RouteServer:
        routes = RouteServer()
        routes.route("POST", paths.SIGN_IN, Answer(200, {"token": "t"}))
        routes.route("GET", f"{paths.SERVICES}/*", self.availability)
        routes.route("POST", f"{paths.SERVICES}/*", self.book)
        routes.route("POST", f"{paths.JOBS}/*", self.cancel)
        routes.route("GET", paths.SUPPRESSIONS, self.list_suppressions)
        routes.route("DELETE", f"{paths.SUPPRESSIONS}/*", self.lift)
        return routes

    def availability(self, request: Request) -> Answer:
        start = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=2)
        slots = [
            {
                "startTime": (start + timedelta(hours=h)).isoformat(),
                "endTime": (start + timedelta(hours=h + 1)).isoformat(),
                "remaining": 1,
            }
            for h in itertools.islice(itertools.count(), 20)
        ]
        return Answer(200, {"slots": slots})

    def book(self, request: Request) -> Answer:
        contact = request.body["contact"]
        job_id = str(uuid.uuid4())
        self.bookings.append(contact["email"])
        if self.suppress and contact["email"] in SIMULATOR:
            self.suppressed[contact["email"]] = SIMULATOR[contact["email"]]
        if self.moto_url:
            self.mail_contractor(contact["name"], job_id)
        start = datetime.fromisoformat(request.body["startTime"])
        end = (start + timedelta(hours=1)).isoformat()
        job = {"id": job_id, "status": "scheduled", "startTime": start.isoformat(), "endTime": end}
        return Answer(201, {"job": job})

    def mail_contractor(self, client_name: str, job_id: str) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = SENDER, CONTRACTOR, "New booking"
        message.set_content(f"{client_name} booked. Open it: {self.link_base}/schedule?job={job_id}\n")
        ses = boto3.client(
            "ses",
            region_name="us-east-1",
            endpoint_url=self.moto_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        ses.verify_email_identity(EmailAddress=SENDER)
        ses.send_raw_email(RawMessage={"Data": message.as_bytes()})

    def cancel(self, request: Request) -> Answer:
        self.cancelled.append(request.path)
        return Answer(200, {"job": {}})

    def list_suppressions(self, request: Request) -> Answer:
        listed = [
            {"email": e, "reason": r, "createdAt": "2026-12-02T00:00:00Z"} for e, r in self.suppressed.items()
        ]
        return Answer(200, {"suppressions": listed})

    def lift(self, request: Request) -> Answer:
        self.suppressed.pop(request.path.rsplit("/", 1)[1], None)
        return Answer(204)
