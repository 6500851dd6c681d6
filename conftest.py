"""Fixtures every suite may use: one real PostgreSQL per session, from the same provider as the
local stack (DATABASE_URL, else Docker, else embedded), and a migrated scratch database on it.

Under pytest-xdist each worker is a session of its own: its own scratch database (uniquely
named), its own log folder (artifacts/logs/<worker>, also handed to the stacks its tests start
through STACK_LOG_DIR), so workers never write to each other's files."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from reference_app.auth import service as auth_service
from reference_app.local.postgres_provider import ProvidedPostgres, provide_postgres, scratch_database
from reference_app.migrations import migrate

# argon2id at its lowest cost: the same algorithm and code path, a thousandth of the work.
CHEAP_PASSWORD_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)

# Set by pytest-xdist in each worker ("gw0", "gw1", ...); absent in a plain run.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


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
    """This worker's log folder, under STACK_LOG_DIR: CI runs two sessions at once, each with
    a folder of its own, whose workers share names (gw0, gw1, ...)."""
    path = Path(os.environ.get("STACK_LOG_DIR", "artifacts/logs")) / XDIST_WORKER
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session", autouse=True)
def _stack_logs_per_worker() -> Iterator[None]:
    """Stacks started by a test (`local_stack`, `python -m load run`) log to fixed file names
    (moto-ses.log, email-sender.log) in STACK_LOG_DIR: one folder per xdist worker."""
    if not XDIST_WORKER:
        yield
        return
    base = Path(os.environ.get("STACK_LOG_DIR", "artifacts/logs"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STACK_LOG_DIR", str(base / XDIST_WORKER))
        yield


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """Every in-process test seeds a tenant (one argon2 hash) and most sign in (one argon2
    verification): at the production cost that is about a third of a second per test, minutes
    per run. Hashes made here are verified at the cost they were made with, and a login never
    rehashes them (the hasher asks for no stronger parameters). Server processes the tests
    start keep the production cost; test_abuse_limits swaps in its own counting hasher."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth_service, "_hasher", CHEAP_PASSWORD_HASHER)
        yield


# CI runs the tests marked locust_race from this folder alone (`nox -s load_teeth`).
LOCUST_RACE_FOLDER = Path(__file__).resolve().parent / "tests" / "load"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow (server processes, Locust runs, the fuzz run) first: spread over xdist
    workers, the long ones then start at once instead of leaving one worker busy at the end.
    The order is otherwise kept, so every worker collects the same list."""
    for item in items:
        if item.get_closest_marker("locust_race") and LOCUST_RACE_FOLDER not in item.path.parents:
            raise pytest.UsageError(f"{item.nodeid}: tests marked locust_race belong in tests/load")
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
