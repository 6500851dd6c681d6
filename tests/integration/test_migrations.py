"""Applying every migration yields the expected schema, once, idempotently."""

from __future__ import annotations

import psycopg
import pytest

from reference_app.local.postgres_provider import ProvidedPostgres, scratch_database
from reference_app.migrations import available_migrations, migrate

EXPECTED_COLUMNS = {
    "tenants": {"id", "name", "time_zone", "notification_email", "created_at"},
    "admin_users": {"id", "tenant_id", "email", "name", "password_hash", "created_at"},
    "auth_tokens": {"token_hash", "user_id", "tenant_id", "created_at", "expires_at"},
    "services": {
        "id", "tenant_id", "name", "description", "duration_minutes", "active",
        "booking_settings", "created_at", "updated_at",
    },
    "contacts": {"id", "tenant_id", "name", "email", "phone", "created_at", "updated_at"},
    "jobs": {
        "id", "tenant_id", "service_id", "contact_id", "title", "start_time", "end_time",
        "status", "source", "notes", "decline_reason", "cancel_reason", "created_at", "updated_at",
    },
    "job_status_history": {"id", "job_id", "from_status", "to_status", "reason", "actor", "changed_at"},
    "idempotency_keys": {
        "tenant_id", "key", "request_hash", "job_id", "status_code", "response", "created_at",
    },
    "schema_migrations": {"version", "name", "applied_at"},
    "email_outbox": {
        "id", "tenant_id", "job_id", "kind", "recipient", "payload", "state", "attempts",
        "next_attempt_at", "last_error", "ses_message_id", "created_at", "sent_at",
    },
    "email_suppressions": {"tenant_id", "email", "reason", "detail", "feedback_id", "created_at"},
    "abuse_counters": {"key", "window_start", "hits"},
    "booking_page_views": {"service_id", "hour", "views"},
}  # fmt: skip


def _columns(url: str) -> dict[str, set[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
        ).fetchall()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def test_migrations_build_the_schema_once(pg_server: ProvidedPostgres) -> None:
    with scratch_database(pg_server.url, "booking_migration") as url:
        applied = migrate(url)
        assert [m.version for m in applied] == [m.version for m in available_migrations()]
        assert _columns(url) == EXPECTED_COLUMNS
        assert migrate(url) == []
        with psycopg.connect(url) as conn:
            versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
        assert versions == list(range(1, len(available_migrations()) + 1))


def test_timestamps_are_timestamptz(database_url: str) -> None:
    with psycopg.connect(database_url) as conn:
        types = dict(
            conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'jobs' AND column_name IN ('start_time', 'end_time')"
            ).fetchall()
        )
    assert types == {"start_time": "timestamp with time zone", "end_time": "timestamp with time zone"}


def test_a_job_longer_than_7_days_is_refused_by_the_table(database_url: str) -> None:
    """Overlap queries look back 7 days for jobs that began before a range: the table itself
    must hold no longer job, whatever writes to it."""
    with psycopg.connect(database_url) as conn:
        tenant = conn.execute(
            "INSERT INTO tenants (name, time_zone, notification_email) "
            "VALUES ('Length check', 'UTC', 'owner@example.com') RETURNING id"
        ).fetchone()
        assert tenant is not None
        insert = (
            "INSERT INTO jobs (tenant_id, title, start_time, end_time, status, source) "
            "VALUES (%s, 'x', '2030-01-01T00:00Z', %s, 'scheduled', 'admin')"
        )
        conn.execute(insert, (tenant[0], "2030-01-08T00:00Z"))  # exactly 7 days: allowed
        with pytest.raises(psycopg.errors.CheckViolation):
            conn.execute(insert, (tenant[0], "2030-01-08T00:00:00.000001Z"))
        conn.rollback()
