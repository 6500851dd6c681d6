"""Numbered plain-SQL migrations, applied in order and recorded in schema_migrations."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources

import psycopg

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Serialises concurrent `migrate` runs (several workers starting at once).
_MIGRATION_LOCK_KEY = 7_214_110_001


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    found = []
    for entry in resources.files(__package__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, found {versions}")
    return found


def applied_versions(conn: psycopg.Connection) -> set[int]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())"
    )
    return {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}


def migrate(database_url: str) -> list[Migration]:
    """Apply every migration not yet recorded; returns the ones applied now."""
    applied_now: list[Migration] = []
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK_KEY,))
        try:
            done = applied_versions(conn)
            for migration in available_migrations():
                if migration.version in done:
                    continue
                with conn.transaction():
                    conn.execute(migration.sql.encode())
                    conn.execute(
                        "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)",
                        (migration.version, migration.name),
                    )
                log.info("applied migration %04d_%s", migration.version, migration.name)
                applied_now.append(migration)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK_KEY,))
    return applied_now


@dataclass(frozen=True)
class SchemaState:
    """Which migrations a database has applied, against the ones this code ships."""

    applied: str | None
    latest: str
    pending: list[str]


def _label(migration: Migration) -> str:
    return f"{migration.version:04d}_{migration.name}"


def schema_state_from(applied: dict[int, str]) -> SchemaState:
    shipped = available_migrations()
    latest_applied = max(applied) if applied else None
    return SchemaState(
        applied=f"{latest_applied:04d}_{applied[latest_applied]}" if latest_applied is not None else None,
        latest=_label(shipped[-1]),
        pending=[_label(m) for m in shipped if m.version not in applied],
    )


def schema_state(database_url: str) -> SchemaState:
    """Read-only: never creates schema_migrations (a database without it has applied nothing)."""
    with psycopg.connect(database_url) as conn:
        exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
        rows = (
            conn.execute("SELECT version, name FROM schema_migrations").fetchall()
            if exists and exists[0]
            else []
        )
    return schema_state_from({version: name for version, name in rows})
