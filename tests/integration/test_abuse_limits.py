"""Abuse limits: failed sign-ins per email and per client address, public bookings per client
address and service; 429 with Retry-After, no argon2 hash computed while throttled; counted in
PostgreSQL so several server processes share one limit."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest
from argon2 import PasswordHasher
from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.auth import service as auth_service
from reference_app.clock import SettableClock
from reference_app.http import abuse_limits
from reference_app.local.seed import SeedResult, seed
from reference_app.local.stack import start_server
from reference_app.settings import Settings
from tests.integration.calls import book, error_code

NEW_YORK = ZoneInfo("America/New_York")


def _slot(clock: SettableClock, hour: int) -> str:
    """A start on the 24/7 service's grid, tomorrow in the tenant's zone."""
    day = clock.now().astimezone(NEW_YORK).date() + timedelta(days=1)
    return datetime.combine(day, time(hour), NEW_YORK).isoformat()


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every argon2 verification the service runs (a spy: the real hasher, counted)."""
    calls: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
            calls.append(str(password))
            return super().verify(hash, password)

    monkeypatch.setattr(auth_service, "_hasher", CountingHasher())
    return calls


@pytest.fixture(autouse=True)
def fresh_window(clock: SettableClock) -> None:
    """Every in-process client is the address "testclient": each test starts in windows of its
    own (a day no other test uses), so counts of other tests never reach it."""
    clock.set(clock.now() + timedelta(days=uuid.uuid4().int % 15_000 + 1))  # before 2072


def _client(settings: Settings, **limits: Any) -> TestClient[Any]:
    return TestClient(create_app(dataclasses.replace(settings, **limits)))


def _login(client: TestClient[Any], email: str, password: str) -> httpx.Response:
    return client.post("/auth/login", json={"email": email, "password": password})


def test_signin_throttled_per_email_answers_429_without_hashing(
    settings: Settings, tenant: SeedResult, clock: SettableClock, hashes: list[str]
) -> None:
    with _client(settings, signin_max_failures_per_email=3, signin_window_seconds=900) as client:
        for _ in range(3):
            assert _login(client, tenant.admin_email, "wrong").status_code == 401
        assert len(hashes) == 3
        throttled = _login(client, tenant.admin_email.upper(), tenant.admin_password)
        assert throttled.status_code == 429
        assert error_code(throttled) == "too_many_requests"
        assert 1 <= int(throttled.headers["retry-after"]) <= 900
        assert len(hashes) == 3  # the throttled attempt paid no argon2 cost
        clock.advance(timedelta(seconds=int(throttled.headers["retry-after"])))
        assert _login(client, tenant.admin_email, tenant.admin_password).status_code == 200


def test_signin_throttled_per_client_address(
    settings: Settings, tenant: SeedResult, hashes: list[str]
) -> None:
    with _client(settings, signin_max_failures_per_address=4, signin_max_failures_per_email=100) as client:
        for n in range(4):
            assert _login(client, f"nobody-{n}-{uuid.uuid4().hex[:6]}@example.com", "x").status_code == 401
        throttled = _login(client, tenant.admin_email, tenant.admin_password)
        assert throttled.status_code == 429
        assert "address" in throttled.json()["error"]["message"]
        assert len(hashes) == 4


def test_a_successful_signin_forgets_the_emails_failures(settings: Settings, tenant: SeedResult) -> None:
    with _client(settings, signin_max_failures_per_email=3) as client:
        for _ in range(2):
            assert _login(client, tenant.admin_email, "wrong").status_code == 401
        assert _login(client, tenant.admin_email, tenant.admin_password).status_code == 200
        for _ in range(2):
            assert _login(client, tenant.admin_email, "wrong").status_code == 401
        assert _login(client, tenant.admin_email, tenant.admin_password).status_code == 200


def test_limits_off_never_throttle(settings: Settings, tenant: SeedResult, clock: SettableClock) -> None:
    with _client(
        settings, abuse_limits=False, signin_max_failures_per_email=1, booking_max_per_address=1
    ) as client:
        for _ in range(3):
            assert _login(client, tenant.admin_email, "wrong").status_code == 401
        assert _login(client, tenant.admin_email, tenant.admin_password).status_code == 200
        for n in range(3):
            booked = book(client, tenant.services["callout"], _slot(clock, 10 + n), email=f"c{n}@example.com")
            assert booked.status_code == 201


def test_login_page_is_throttled_too(settings: Settings, tenant: SeedResult, hashes: list[str]) -> None:
    with _client(settings, signin_max_failures_per_email=2) as client:
        for _ in range(2):
            assert _login(client, tenant.admin_email, "wrong").status_code == 401
        form = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        page = client.post(
            "/login",
            data={"csrf_token": token[1], "email": tenant.admin_email, "password": tenant.admin_password},
            follow_redirects=False,
        )
        assert page.status_code == 429
        assert "retry-after" in page.headers
        assert "try again later" in page.text
        assert len(hashes) == 2


def test_public_booking_limited_per_address_and_service(
    settings: Settings, tenant: SeedResult, clock: SettableClock
) -> None:
    with _client(settings, booking_max_per_address=3, booking_window_seconds=600) as client:
        service = tenant.services["callout"]
        slot = _slot(clock, 10)
        # Refused and malformed attempts fill no calendar: they do not count.
        for _ in range(5):
            assert book(client, service, "not a time", email="c@example.com").status_code == 422
        assert book(client, service, slot, email="c1@example.com").status_code == 201
        replay = {"Idempotency-Key": "k-1"}
        first = book(client, service, slot, email="c2@example.com", headers=replay)
        assert first.status_code == 201
        again = book(client, service, slot, email="c2@example.com", headers=replay)
        assert again.headers.get("idempotent-replayed") == "true"  # a replay makes no booking
        assert book(client, service, _slot(clock, 13), email="c3@example.com").status_code == 201
        throttled = book(client, service, _slot(clock, 11), email="c4@example.com")
        assert throttled.status_code == 429
        assert error_code(throttled) == "too_many_requests"
        assert 1 <= int(throttled.headers["retry-after"]) <= 600
        other = book(client, tenant.services["standard"], _slot(clock, 14), email="c5@example.com")
        assert other.status_code != 429  # another service has its own count
        clock.advance(timedelta(seconds=600))
        later = book(client, service, _slot(clock, 12), email="c6@example.com")
        assert later.status_code == 201


def test_limit_settings_are_validated() -> None:
    assert Settings.from_env({"ABUSE_LIMITS": "off"}).abuse_limits is False
    parsed = Settings.from_env({"SIGNIN_MAX_FAILURES_PER_EMAIL": "7", "BOOKING_WINDOW_SECONDS": "60"})
    assert (parsed.signin_max_failures_per_email, parsed.booking_window_seconds) == (7, 60)
    with pytest.raises(ValueError, match="ABUSE_LIMITS"):
        Settings.from_env({"ABUSE_LIMITS": "sometimes"})
    with pytest.raises(ValueError, match="BOOKING_MAX_PER_ADDRESS"):
        Settings.from_env({"BOOKING_MAX_PER_ADDRESS": "0"})
    with pytest.raises(ValueError):
        Settings.from_env({"SIGNIN_WINDOW_SECONDS": "soon"})


@pytest.fixture
def two_worker_server(database_url: str, log_dir: Path) -> Iterator[str]:
    env = {"SIGNIN_MAX_FAILURES_PER_EMAIL": "3", "EMAIL_SENDER_ENABLED": "false"}
    server = start_server(database_url, workers=2, env=env, log_dir=log_dir)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.mark.slow
def test_processes_share_one_limit(two_worker_server: str, database_url: str) -> None:
    """Over HTTP, two worker processes: a count kept in each process would let 6 failures
    through before throttling; the shared count allows exactly 3."""
    tenant = seed(database_url)
    answers = []
    for _ in range(10):
        with httpx.Client(timeout=30) as fresh:  # new connections, spread over the workers
            answers.append(
                fresh.post(
                    f"{two_worker_server}/auth/login", json={"email": tenant.admin_email, "password": "wrong"}
                ).status_code
            )
    assert answers == [401] * 3 + [429] * 7


def test_expired_windows_are_pruned(
    settings: Settings, tenant: SeedResult, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO abuse_counters (key, window_start, hits)"
            " VALUES ('signin:addr:gone', '2001-01-01Z', 3)"
        )
    monkeypatch.setattr(abuse_limits, "PRUNE_CHANCE", 1.0)
    with _client(settings) as client:
        assert _login(client, tenant.admin_email, "wrong").status_code == 401
    with psycopg.connect(database_url) as conn:
        left = conn.execute("SELECT count(*) FROM abuse_counters WHERE key = 'signin:addr:gone'").fetchone()
    assert left == (0,)
