"""Fixtures of the reference service's tests: apps built with a settable clock on the session's
scratch database (see the root conftest.py), a seeded tenant and its admin token."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import TestClient

from harness.adapters import reference_paths as paths
from reference_app.app import create_app
from reference_app.clock import SettableClock
from reference_app.local.seed import SeedResult, seed
from reference_app.settings import Settings

# A Wednesday in northern winter: New York is on EST (UTC-5).
DEFAULT_NOW = datetime(2030, 1, 9, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> SettableClock:
    return SettableClock(DEFAULT_NOW)


@pytest.fixture
def settings(database_url: str, clock: SettableClock) -> Settings:
    return Settings(database_url=database_url, pool_min_size=1, pool_max_size=4, clock=clock)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def tenant(database_url: str) -> SeedResult:
    """A fresh demo tenant (America/New_York) per test, so tests never share rows."""
    return seed(database_url)


@pytest.fixture
def admin_headers(client: TestClient[Any], tenant: SeedResult) -> dict[str, str]:
    response = client.post(
        paths.SIGN_IN, json={"email": tenant.admin_email, "password": tenant.admin_password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}
