"""While the database is away, requests answer 503 `database_unavailable` (retry later), never
500: a restart or a terminated connection is the service's state, not a client's or code's bug."""

from __future__ import annotations

import psycopg
from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.local.postgres_provider import ProvidedPostgres, scratch_database
from reference_app.local.seed import seed
from reference_app.local.stack import free_port
from reference_app.migrations import migrate
from reference_app.settings import Settings


def test_no_database_answers_503_with_retry_after() -> None:
    closed = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres?connect_timeout=1"
    settings = Settings(database_url=closed, pool_min_size=1, pool_timeout_seconds=1)
    with TestClient(create_app(settings)) as client:
        response = client.get("/services/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "database_unavailable"
    assert response.headers["retry-after"] == "1"


def test_terminated_connections_answer_503_then_recover(pg_server: ProvidedPostgres) -> None:
    # A database of its own: terminating every connection to it touches no other test.
    with scratch_database(pg_server.url, "booking_outage") as url:
        migrate(url)
        tenant = seed(url)
        path = f"/services/{tenant.services['standard']}"
        settings = Settings(database_url=url, pool_min_size=2, pool_max_size=2)
        with TestClient(create_app(settings)) as client:
            assert client.get(path).status_code == 200
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            statuses = [client.get(path).status_code for _ in range(6)]
        assert 500 not in statuses, statuses
        assert 503 in statuses, statuses  # the dead pooled connections were used, and said so
        assert statuses[-1] == 200, statuses
