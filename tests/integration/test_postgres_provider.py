"""The provider chain: DATABASE_URL first, Docker only when it answers, else embedded."""

from __future__ import annotations

import psycopg
import pytest

from reference_app.local.postgres_provider import docker_available, provide_postgres
from reference_app.local.stack import free_port


def test_database_url_wins() -> None:
    with provide_postgres({"DATABASE_URL": "postgresql://u@h/db"}) as provided:
        assert (provided.url, provided.source) == ("postgresql://u@h/db", "DATABASE_URL")


def test_unreachable_docker_is_detected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"tcp://127.0.0.1:{free_port()}")
    assert docker_available(timeout=1) is False


def test_embedded_server_without_database_url_or_docker() -> None:
    if docker_available():
        pytest.skip("a Docker daemon answers here; the embedded path is not the one taken")
    with provide_postgres({}) as provided:
        assert provided.source == "embedded"
        with psycopg.connect(provided.url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    # Stopped on exit: the socket no longer accepts connections.
    try:
        psycopg.connect(provided.url, connect_timeout=2).close()
    except psycopg.OperationalError:
        pass
    else:
        raise AssertionError("the embedded server is still running after the block")
