"""Hostile text through the real email path: a booking whose contact name holds a line break
and whose notes hold markup, sent by the outbox sender through a moto SES server over HTTP and
read back. The contractor's email is delivered (a line break no longer makes it unbuildable)
and inert; with the notes rendered raw (a broken variant), the checker names the field."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from harness.hostile_text import FIELD_BY_NAME
from harness.inert_email import Expected, email_problems
from harness.mailbox import Mailbox
from reference_app.app import create_app
from reference_app.local.postgres_provider import ProvidedPostgres, scratch_database
from reference_app.local.seed import SeedResult, seed
from reference_app.local.ses import LocalSes
from reference_app.migrations import migrate
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


@pytest.fixture
def own_database(pg_server: ProvidedPostgres, settings: Settings) -> Iterator[tuple[Settings, SeedResult]]:
    """A database of the test's own: its outbox is drained by this test's sender only (on the
    worker's shared database, a sender with SES off once took the email first, in CI)."""
    with scratch_database(pg_server.url, "booking_mail") as url:
        migrate(url)
        yield dataclasses.replace(settings, database_url=url), seed(url)


def test_a_hostile_booking_is_mailed_inert(
    own_database: tuple[Settings, SeedResult], moto_ses: LocalSes, mailbox: Mailbox
) -> None:
    settings, tenant = own_database
    assert hostile_contractor_email(ses_settings(settings, moto_ses.url), tenant, mailbox) == []


def test_notes_rendered_raw_are_named(
    own_database: tuple[Settings, SeedResult], moto_ses: LocalSes, mailbox: Mailbox
) -> None:
    settings, tenant = own_database
    broken = ses_settings(settings, moto_ses.url, faults=frozenset({"email_renders_notes_raw"}))
    problems = hostile_contractor_email(broken, tenant, mailbox)
    assert any("injected element <script" in p for p in problems), problems
    assert any("job.notes not shown as stored in the html part" in p for p in problems), problems
    assert not any("contact.name" in p for p in problems), problems
