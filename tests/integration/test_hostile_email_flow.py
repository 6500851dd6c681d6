"""Hostile text through the real email path: a booking whose contact name holds a line break
and whose notes hold markup, sent by the outbox sender through a moto SES server over HTTP and
read back. The contractor's email is delivered (a line break no longer makes it unbuildable)
and inert; with the notes rendered raw (a broken variant), the checker names the field."""

from __future__ import annotations

import uuid

from litestar.testing import TestClient

from harness.hostile_text import FIELD_BY_NAME
from harness.inert_email import Expected, email_problems
from harness.mailbox import Mailbox
from reference_app.app import create_app
from reference_app.local.seed import SeedResult
from reference_app.local.ses import LocalSes
from reference_app.settings import Settings
from tests.integration.calls import book
from tests.integration.conftest import ses_settings

SLOT = "2030-01-10T10:00:00-05:00"  # a weekday slot of the demo's standard service


def hostile_contractor_email(settings: Settings, tenant: SeedResult, mailbox: Mailbox) -> list[str]:
    name = next(v.text for v in FIELD_BY_NAME["contact.name"].values() if "crlf-header" in v.payloads)
    notes = FIELD_BY_NAME["job.notes"].values()[0].text
    with TestClient(create_app(settings)) as client:
        response = book(
            client,
            tenant.services["standard"],
            SLOT,
            name=name,
            email=f"h-{uuid.uuid4().hex[:8]}@example.com",
            notes=notes,
        )
        assert response.status_code == 201, response.text
        [notice] = mailbox.wait_for(tenant.admin_email, "^New booking: ", timeout=20)
    expected = [
        Expected("contact.name", name, ("subject", "text", "html")),
        Expected("job.notes", notes, ("text", "html")),
    ]
    return email_problems(notice.message, expected)


def test_a_hostile_booking_is_mailed_inert(
    settings: Settings, tenant: SeedResult, moto_ses: LocalSes, mailbox: Mailbox
) -> None:
    assert hostile_contractor_email(ses_settings(settings, moto_ses.url), tenant, mailbox) == []


def test_notes_rendered_raw_are_named(
    settings: Settings, tenant: SeedResult, moto_ses: LocalSes, mailbox: Mailbox
) -> None:
    broken = ses_settings(settings, moto_ses.url, faults=frozenset({"email_renders_notes_raw"}))
    problems = hostile_contractor_email(broken, tenant, mailbox)
    assert any("injected element <script" in p for p in problems), problems
    assert any("job.notes not shown as stored in the html part" in p for p in problems), problems
    assert not any("contact.name" in p for p in problems), problems
