"""A booking and its emails commit together. The database itself refuses the outbox write (a
trigger raising for one recipient), after the job row is written: the client gets a clean
JSON error and nothing of the booking remains (job, contact, history, idempotency record),
so a retry with the same key books afresh. The variant that writes the emails in a second
transaction after the commit leaves a job nobody is told about, and the same check finds it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.local.seed import SeedResult
from reference_app.settings import Settings

FAILING_RECIPIENT = "outbox-refused@example.com"
START = "2030-01-10T10:00:00-05:00"  # a free weekday hour of the demo's standard visit
REFUSE_OUTBOX = f"""
CREATE FUNCTION refuse_outbox_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'outbox write refused for %', NEW.recipient;
END $$;
CREATE TRIGGER refuse_outbox_row BEFORE INSERT ON email_outbox
    FOR EACH ROW WHEN (NEW.recipient = '{FAILING_RECIPIENT}') EXECUTE FUNCTION refuse_outbox_row();
"""
ALLOW_OUTBOX = """
DROP TRIGGER IF EXISTS refuse_outbox_row ON email_outbox;
DROP FUNCTION IF EXISTS refuse_outbox_row();
"""
LEFTOVERS = """
SELECT 'job ' || j.id FROM jobs j JOIN contacts c ON c.id = j.contact_id
WHERE j.tenant_id = %(tenant)s AND c.email = %(email)s
UNION ALL SELECT 'contact ' || id FROM contacts WHERE tenant_id = %(tenant)s AND email = %(email)s
UNION ALL SELECT 'idempotency record ' || key FROM idempotency_keys WHERE tenant_id = %(tenant)s
"""


@pytest.fixture
def refused_outbox(database_url: str) -> Iterator[None]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(ALLOW_OUTBOX)
        conn.execute(REFUSE_OUTBOX)
    try:
        yield
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(ALLOW_OUTBOX)


def leftovers(database_url: str, tenant: SeedResult) -> list[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(LEFTOVERS, {"tenant": tenant.tenant_id, "email": FAILING_RECIPIENT}).fetchall()
    return sorted(str(row[0]) for row in rows)


def book(client: TestClient[Any], tenant: SeedResult, key: str) -> Any:
    return client.post(
        f"/services/{tenant.services['standard']}/book",
        json={"startTime": START, "contact": {"name": "Refused", "email": FAILING_RECIPIENT}},
        headers={"Idempotency-Key": key},
    )


def failed_booking(settings: Settings, tenant: SeedResult, database_url: str) -> tuple[Any, list[str]]:
    """Book while the outbox refuses the client's email: the answer and what remains."""
    with TestClient(create_app(settings)) as client:
        response = book(client, tenant, "atomic-1")
    return response, leftovers(database_url, tenant)


@pytest.mark.usefixtures("refused_outbox")
def test_a_failed_email_write_leaves_nothing_of_the_booking(
    settings: Settings, tenant: SeedResult, database_url: str
) -> None:
    response, remains = failed_booking(settings, tenant, database_url)
    assert response.status_code == 500, response.text
    assert response.json()["error"]["code"] == "internal_error"
    assert FAILING_RECIPIENT not in response.text and "Traceback" not in response.text
    assert remains == []


def test_the_same_key_books_once_the_outbox_accepts_again(
    settings: Settings, tenant: SeedResult, database_url: str, refused_outbox: None
) -> None:
    failed_booking(settings, tenant, database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(ALLOW_OUTBOX)
    with TestClient(create_app(settings)) as client:
        retried = book(client, tenant, "atomic-1")
    assert retried.status_code == 201, retried.text
    assert retried.headers.get("Idempotent-Replayed") != "true"
    with psycopg.connect(database_url) as conn:
        emails = conn.execute(
            "SELECT count(*) FROM email_outbox WHERE job_id = %s", (retried.json()["job"]["id"],)
        ).fetchone()
    assert emails is not None and emails[0] >= 1


@pytest.mark.usefixtures("refused_outbox")
def test_teeth_emails_after_the_commit_leave_a_job_behind(
    settings: Settings, tenant: SeedResult, database_url: str
) -> None:
    broken = dataclasses.replace(settings, faults=frozenset({"race_emails_after_commit"}))
    response, remains = failed_booking(broken, tenant, database_url)
    assert response.status_code == 500, response.text
    assert any(item.startswith("job ") for item in remains), remains
