"""The production-feature tests catch what they exist for: each broken variant of the service
(reference_app/faults.py) fails the same observation the feature's own test makes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.faults import fault_env
from reference_app.local.seed import SeedResult
from reference_app.local.ses import LocalSes
from reference_app.local.stack import ServerProcess, start_server
from reference_app.settings import Settings
from tests.integration.calls import book, wait_until
from tests.integration.conftest import ses_settings
from tests.integration.test_ses_feedback import BOUNCE, SLOT, _outbox_states, _suppressions

APP_ORIGIN = "https://app.example.com"


@pytest.fixture(scope="module")
def cors_broken_server(database_url: str, log_dir: Path) -> Iterator[ServerProcess]:
    env = {"PUBLIC_APP_URL": APP_ORIGIN, "EMAIL_SENDER_ENABLED": "false", **fault_env("prod_cors_any_origin")}
    server = start_server(database_url, env=env, log_dir=log_dir)
    try:
        yield server
    finally:
        server.stop()


def test_cors_echoing_any_origin_is_caught(cors_broken_server: ServerProcess) -> None:
    forged = "https://app.example.com.evil.net"
    response = httpx.options(
        f"{cors_broken_server.url}/health",
        headers={"Origin": forged, "Access-Control-Request-Method": "GET"},
        timeout=10,
    )
    # test_cors requires a 403 without Access-Control-Allow-Origin: this variant fails it.
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == forged
    health = httpx.get(f"{cors_broken_server.url}/health", timeout=10).json()
    assert health["faults"] == ["prod_cors_any_origin"]


def test_a_sender_ignoring_suppressions_is_caught(
    settings: Settings, moto_ses: LocalSes, tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    broken = ses_settings(
        settings,
        moto_ses.url,
        ses_feedback_queue_url=moto_ses.feedback_queue_url,
        faults=frozenset({"prod_suppression_ignored"}),
    )
    with TestClient(create_app(broken)) as client:
        booked = book(client, tenant.services["standard"], SLOT, email=BOUNCE)
        assert booked.status_code == 201
        wait_until(lambda: _suppressions(client, admin_headers).get(BOUNCE), what="the bounce suppressed")
        job_id = booked.json()["job"]["id"]
        assert client.post(f"/jobs/{job_id}/cancel", json={"reason": "t"}, headers=admin_headers).is_success
        states = wait_until(
            lambda: (
                dict(_outbox_states(client, admin_headers, BOUNCE)).get("client_cancellation")
                not in (None, "pending")
                and dict(_outbox_states(client, admin_headers, BOUNCE))
            ),
            what="the cancellation settled",
        )
    # test_ses_feedback requires "suppressed": this variant mails the address again.
    assert states["client_cancellation"] == "sent"


def test_unthrottled_signin_is_caught(settings: Settings, tenant: SeedResult) -> None:
    broken = dataclasses.replace(
        settings, signin_max_failures_per_email=2, faults=frozenset({"prod_signin_unthrottled"})
    )
    with TestClient(create_app(broken)) as client:
        answers: list[Any] = [
            client.post("/auth/login", json={"email": tenant.admin_email, "password": "wrong"}).status_code
            for _ in range(4)
        ]
    # test_abuse_limits requires a 429 after 2 failures: this variant never throttles.
    assert answers == [401, 401, 401, 401]
