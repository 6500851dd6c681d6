"""Where the local stack and the tests get PostgreSQL from, in this order:

1. DATABASE_URL, when set;
2. a testcontainers PostgreSQL, when a Docker daemon answers a ping;
3. an embedded server (the pgserver wheel ships PostgreSQL binaries) in a temporary folder.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProvidedPostgres:
    url: str
    source: str  # "DATABASE_URL", "testcontainers" or "embedded"


def docker_available(timeout: float = 2.0) -> bool:
    """True only when a Docker daemon answers a ping within the timeout."""
    try:
        import docker
    except ImportError:
        return False
    try:
        client = docker.from_env(timeout=timeout)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


@contextlib.contextmanager
def _testcontainers_postgres() -> Iterator[ProvidedPostgres]:
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:16-alpine", driver=None) as container:
        yield ProvidedPostgres(container.get_connection_url(), "testcontainers")


@contextlib.contextmanager
def _embedded_postgres() -> Iterator[ProvidedPostgres]:
    try:
        import pgserver
    except ImportError as exc:
        raise RuntimeError(
            "No PostgreSQL available: set DATABASE_URL, start a Docker daemon, "
            "or install the embedded server with: pip install 'booking-harness[stack]'"
        ) from exc
    # pgserver narrates every command at INFO; only its problems matter here.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    data_dir = tempfile.mkdtemp(prefix="booking-pg-")
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    try:
        yield ProvidedPostgres(server.get_uri(), "embedded")
    finally:
        server.cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)


@contextlib.contextmanager
def provide_postgres(env: Mapping[str, str] | None = None) -> Iterator[ProvidedPostgres]:
    env = os.environ if env is None else env
    url = env.get("DATABASE_URL")
    if url:
        yield ProvidedPostgres(url, "DATABASE_URL")
    elif docker_available():
        with _testcontainers_postgres() as provided:
            yield provided
    else:
        with _embedded_postgres() as provided:
            yield provided


def with_database(url: str, dbname: str) -> str:
    params = conninfo_to_dict(url)
    params["dbname"] = dbname
    return make_conninfo("", **params)


@contextlib.contextmanager
def scratch_database(server_url: str, prefix: str = "booking_scratch") -> Iterator[str]:
    """A new, empty database on the server for the duration of the block, then dropped."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
