"""The command line: migrate, seed --json, and the guard-off warning at start."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import psycopg
import pytest

from reference_app.app import create_app
from reference_app.local.postgres_provider import ProvidedPostgres, scratch_database
from reference_app.migrations import available_migrations
from reference_app.settings import Settings


def _run(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reference_app", *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_migrate_then_seed_json(pg_server: ProvidedPostgres) -> None:
    with scratch_database(pg_server.url, "booking_cli") as url:
        first = _run("migrate", database_url=url)
        assert first.returncode == 0, first.stderr
        assert f"applied {len(available_migrations())} migration(s)" in first.stdout
        again = _run("migrate", database_url=url)
        assert "up to date" in again.stdout
        seeded = _run("seed", "--json", "--time-zone", "Australia/Sydney", database_url=url)
        assert seeded.returncode == 0, seeded.stderr
        result = json.loads(seeded.stdout)
        assert result["time_zone"] == "Australia/Sydney"
        assert set(result["services"]) == {"standard", "consultation", "workshop", "callout"}
        assert result["admin_password"]


def test_seed_names_the_business_and_admin(database_url: str) -> None:
    business, admin = '<b>"Shop"</b> & Co', "<i>Ann</i>"
    result = _run(
        "seed", "--json", "--tenant-name", business, "--admin-name", admin, database_url=database_url
    )
    assert result.returncode == 0, result.stderr
    seeded = json.loads(result.stdout)
    assert seeded["tenant_name"] == business
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT t.name, u.name FROM tenants t JOIN admin_users u ON u.tenant_id = t.id WHERE t.id = %s",
            (seeded["tenant_id"],),
        ).fetchone()
    assert row == (business, admin)


def test_seed_rejects_unknown_zone(database_url: str) -> None:
    result = _run("seed", "--time-zone", "Mars/Olympus", database_url=database_url)
    assert result.returncode == 2
    assert "unknown IANA time zone" in result.stderr


def test_guard_setting_parsing() -> None:
    assert Settings.from_env({}).concurrency_guard is True
    assert Settings.from_env({"BOOKING_CONCURRENCY_GUARD": "off"}).concurrency_guard is False
    with pytest.raises(ValueError, match="BOOKING_CONCURRENCY_GUARD"):
        Settings.from_env({"BOOKING_CONCURRENCY_GUARD": "maybe"})


def test_guard_off_warns_loudly(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="reference_app"):
        create_app(Settings(concurrency_guard=False))
    assert "DOUBLE-BOOK" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="reference_app"):
        create_app(Settings())
    assert caplog.text == ""
