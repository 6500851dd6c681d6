"""SES outages lose nothing: bookings succeed while mail queues, and once SES is back every
queued email goes out exactly once, even with two senders (two processes) draining the queue."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from harness.mailbox import Mailbox
from reference_app.app import create_app
from reference_app.local.seed import SeedResult
from reference_app.local.ses import LocalSes, start_local_ses
from reference_app.local.stack import free_port
from reference_app.settings import Settings
from tests.integration.calls import book, count_rows
from tests.integration.conftest import SENDER, ses_settings

BOOKINGS = 20


def _outbox(database_url: str, tenant_id: str) -> list[tuple[str, int, str | None, str | None]]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT state, attempts, last_error, ses_message_id FROM email_outbox WHERE tenant_id = %s",
            (tenant_id,),
        ).fetchall()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def _wait(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def ses_port() -> int:
    return free_port()


@pytest.fixture
def second_sender(settings: Settings, ses_port: int) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m reference_app send-emails`: a separate worker process on the same queue."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SES_ENABLED": "true",
        "SES_ENDPOINT_URL": f"http://127.0.0.1:{ses_port}",
        "SES_FROM_ADDRESS": SENDER,
        "EMAIL_POLL_SECONDS": "0.05",
        "EMAIL_RETRY_BASE_SECONDS": "0.1",
        "EMAIL_RETRY_MAX_SECONDS": "0.5",
        "EMAIL_MAX_ATTEMPTS": "1000",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "reference_app", "send-emails"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    process.wait(10)


def test_outage_then_recovery_delivers_each_email_once(
    settings: Settings,
    tenant: SeedResult,
    database_url: str,
    ses_port: int,
    second_sender: subprocess.Popen[bytes],
) -> None:
    down = ses_settings(settings, f"http://127.0.0.1:{ses_port}", email_max_attempts=1000)
    clients = [f"outage-{tenant.tenant_id[:8]}-{i}@example.com" for i in range(BOOKINGS)]
    with TestClient(create_app(down)) as client:
        for index, email in enumerate(clients):
            start = f"2030-01-10T{index // 2:02d}:{30 * (index % 2):02d}:00Z"
            response = book(client, tenant.services["callout"], start, email=email)
            assert response.status_code == 201, response.text

        assert count_rows(database_url, "jobs", tenant.tenant_id) == BOOKINGS
        # Both senders keep trying and failing; nothing is sent, nothing is dropped.
        _wait(
            lambda: all(attempts >= 2 for _, attempts, _, _ in _outbox(database_url, tenant.tenant_id)),
            "every email to be tried at least twice",
        )
        rows = _outbox(database_url, tenant.tenant_id)
        assert len(rows) == 2 * BOOKINGS
        assert {state for state, *_ in rows} == {"pending"}
        assert all(error for _, _, error, _ in rows)

        ses: LocalSes = start_local_ses(ses_port)
        try:
            ses.verify_sender(SENDER)
            _wait(
                lambda: {s for s, *_ in _outbox(database_url, tenant.tenant_id)} == {"sent"},
                "every email to be sent after SES came back",
            )
            delivered = Mailbox(ses.url).messages()
        finally:
            ses.stop()
    assert second_sender.poll() is None, "the second sender died"

    mine = [
        m
        for m in delivered
        if m.header.get("x-email-kind") and (set(m.recipients) & {*clients, tenant.admin_email.lower()})
    ]
    per_recipient = Counter(r for m in mine for r in m.recipients)
    assert per_recipient == Counter({**dict.fromkeys(clients, 1), tenant.admin_email.lower(): BOOKINGS})
    outbox_ids = [m.header["x-outbox-id"] for m in mine]
    assert len(outbox_ids) == len(set(outbox_ids)) == 2 * BOOKINGS
    recorded = {message_id for *_, message_id in _outbox(database_url, tenant.tenant_id)}
    assert recorded == {m.id for m in mine}


def test_rejected_mail_ends_dead_and_listed(
    settings: Settings, tenant: SeedResult, moto_ses: LocalSes, database_url: str
) -> None:
    # The sender address is not verified in SES: every send is rejected.
    rejected = dataclasses.replace(
        ses_settings(settings, moto_ses.url, email_max_attempts=2), ses_from_address="unverified@example.com"
    )
    with TestClient(create_app(rejected)) as client:
        response = book(client, tenant.services["callout"], "2030-01-10T12:00:00Z", email="dead@example.com")
        assert response.status_code == 201
        _wait(
            lambda: {s for s, *_ in _outbox(database_url, tenant.tenant_id)} == {"dead"},
            "both emails to be declared dead",
        )
        login = client.post(
            "/auth/login", json={"email": tenant.admin_email, "password": tenant.admin_password}
        )
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        dead = client.get("/admin/outbox", params={"state": "dead"}, headers=headers).json()["emails"]
    assert {e["kind"] for e in dead} == {"client_instant_confirmation", "contractor_new_booking"}
    assert all(e["attempts"] == 2 and "MessageRejected" in e["lastError"] for e in dead)
    listed = subprocess.run(
        [sys.executable, "-m", "reference_app", "outbox", "--state", "dead"],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert "dead@example.com" in listed.stdout
    assert "MessageRejected" in listed.stdout


def test_ses_disabled_logs_instead_of_sending(
    client: TestClient[Any], tenant: SeedResult, database_url: str
) -> None:
    book(client, tenant.services["callout"], "2030-01-10T12:00:00Z", email="logged@example.com")
    _wait(
        lambda: {s for s, *_ in _outbox(database_url, tenant.tenant_id)} == {"sent"},
        "the log transport to take both emails",
    )
    rows = _outbox(database_url, tenant.tenant_id)
    assert all(mid and mid.startswith("logged-") for *_, mid in rows)
    # Sent on the first try: one attempt each, counted, and no error left behind.
    assert [(attempts, error) for _, attempts, error, _ in rows] == [(1, None), (1, None)]
