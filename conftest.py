"""Fixtures every suite may use: one real PostgreSQL per session, from the same provider as the
local stack (DATABASE_URL, else Docker, else embedded), and a migrated scratch database on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reference_app.local.postgres_provider import ProvidedPostgres, provide_postgres, scratch_database
from reference_app.migrations import migrate


@pytest.fixture(scope="session")
def pg_server() -> Iterator[ProvidedPostgres]:
    with provide_postgres() as provided:
        yield provided


@pytest.fixture(scope="session")
def database_url(pg_server: ProvidedPostgres) -> Iterator[str]:
    with scratch_database(pg_server.url, "booking_test") as url:
        migrate(url)
        yield url


@pytest.fixture(scope="session")
def log_dir() -> Path:
    path = Path("artifacts/logs")
    path.mkdir(parents=True, exist_ok=True)
    return path
