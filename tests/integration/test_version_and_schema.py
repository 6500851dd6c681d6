"""Which code and which schema run: /health's version and schema state, `migrate --check`."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from typing import Any

import psycopg
from litestar.testing import TestClient

from reference_app import __version__
from reference_app.app import create_app
from reference_app.local.postgres_provider import ProvidedPostgres, scratch_database
from reference_app.migrations import available_migrations, migrate
from reference_app.operations.version import running_version, source_commit
from reference_app.settings import Settings

LATEST = f"{available_migrations()[-1].version:04d}_{available_migrations()[-1].name}"


def _migrate_check(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reference_app", "migrate", "--check"],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_health_names_the_running_code_and_an_up_to_date_schema(client: TestClient[Any]) -> None:
    body = client.get("/health").json()
    assert body["version"] == running_version(None)
    assert body["version"].startswith(__version__)
    if source_commit():
        assert body["version"] == f"{__version__}+g{source_commit()}"
    assert body["schema"] == {"applied": LATEST, "latest": LATEST, "pending": 0}


def test_app_version_from_the_environment_wins(settings: Settings) -> None:
    assert Settings.from_env({"APP_VERSION": "2026.12.1-abc"}).app_version == "2026.12.1-abc"
    with TestClient(create_app(dataclasses.replace(settings, app_version="2026.12.1-abc"))) as client:
        assert client.get("/health").json()["version"] == "2026.12.1-abc"


def test_health_shows_nothing_secret(client: TestClient[Any], settings: Settings) -> None:
    text = client.get("/health").text
    assert "postgresql://" not in text and "127.0.0.1" not in text and "password" not in text.lower()


def test_pending_migration_fails_the_check_and_shows_in_health(pg_server: ProvidedPostgres) -> None:
    with scratch_database(pg_server.url, "booking_pending") as url:
        unmigrated = _migrate_check(url)
        assert unmigrated.returncode == 1
        assert f"{len(available_migrations())} pending migration(s)" in unmigrated.stderr
        migrate(url)
        current = _migrate_check(url)
        assert current.returncode == 0, current.stderr
        assert f"applied: {LATEST}" in current.stdout
        # As if this code shipped a migration the database has not run yet.
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(
                "DELETE FROM schema_migrations WHERE version = %s", (available_migrations()[-1].version,)
            )
        pending = _migrate_check(url)
        assert pending.returncode == 1
        assert f"1 pending migration(s): {LATEST}" in pending.stderr
        with TestClient(create_app(Settings(database_url=url, pool_min_size=1))) as client:
            response = client.get("/health")
        assert response.status_code == 200
        assert response.json()["schema"]["pending"] == 1
        assert response.json()["schema"]["latest"] == LATEST
        assert response.json()["schema"]["applied"] != LATEST
