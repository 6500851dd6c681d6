"""GET /health reports the database: 200 when it answers, 503 when it does not."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.local.stack import free_port
from reference_app.settings import Settings


def test_health_ok(client: TestClient[Any]) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    assert set(body) == {"status", "database", "version", "schema"}


def test_health_503_when_the_database_is_down() -> None:
    closed = f"postgresql://postgres@127.0.0.1:{free_port()}/postgres?connect_timeout=1"
    settings = Settings(database_url=closed, pool_min_size=1, pool_timeout_seconds=1)
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
