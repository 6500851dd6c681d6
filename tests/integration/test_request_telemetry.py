"""One JSON log line per request with its id (taken from X-Request-ID when sane, else made,
and echoed); no token, password or query string in it; /metrics restricted."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.http.request_telemetry import log as request_log
from reference_app.local.seed import SeedResult
from reference_app.operations.metrics_route import check_access
from reference_app.settings import Settings


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())

    def entries(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]


@pytest.fixture
def request_lines() -> Iterator[Lines]:
    handler = Lines()
    request_log.addHandler(handler)
    try:
        yield handler
    finally:
        request_log.removeHandler(handler)


def test_each_request_logs_one_json_line_with_its_id(
    client: TestClient[Any], tenant: SeedResult, request_lines: Lines, admin_headers: dict[str, str]
) -> None:
    request_lines.lines.clear()
    given = client.get(
        "/jobs?start=2030-01-10&end=2030-01-10", headers={**admin_headers, "X-Request-ID": "abc-123"}
    )
    assert given.status_code == 200
    assert given.headers["x-request-id"] == "abc-123"
    made = client.get(f"/services/{tenant.services['standard']}")
    assert len(made.headers["x-request-id"]) == 32
    missing = client.get("/no/such/page?token=secret-in-query")
    assert missing.status_code == 404
    first, second, third = request_lines.entries()
    assert first["requestId"] == "abc-123"
    assert (first["method"], first["route"], first["status"]) == ("GET", "/jobs", 200)
    assert first["tenant"] == tenant.tenant_id
    assert isinstance(first["durationMs"], float)
    assert second["route"] == "/services/{service_id}" and second["requestId"] == made.headers["x-request-id"]
    assert "tenant" not in second
    assert (third["route"], third["status"]) == ("unmatched", 404)
    everything = "\n".join(request_lines.lines)
    assert "secret-in-query" not in everything
    assert admin_headers["Authorization"].split()[1] not in everything


@pytest.mark.parametrize(
    "bad_id",
    [b"", b"x" * 200, b"has space", b"tab\there", "\u00fcn\u00efcode".encode(), b"<script>", b"\xff\xfe"],
)
def test_insane_request_ids_are_replaced(
    client: TestClient[Any], request_lines: Lines, bad_id: bytes
) -> None:
    response = client.get("/health", headers={"X-Request-ID": bad_id})
    assert response.status_code == 200
    assert response.headers["x-request-id"].encode() != bad_id
    assert len(response.headers["x-request-id"]) == 32


def test_login_logs_no_password(client: TestClient[Any], tenant: SeedResult, request_lines: Lines) -> None:
    client.post("/auth/login", json={"email": tenant.admin_email, "password": "the-wrong-secret"})
    ok = client.post("/auth/login", json={"email": tenant.admin_email, "password": tenant.admin_password})
    everything = "\n".join(request_lines.lines)
    assert "the-wrong-secret" not in everything and tenant.admin_password not in everything
    assert ok.json()["token"] not in everything


def test_a_500_is_logged_and_counted(settings: Settings, request_lines: Lines) -> None:
    broken = dataclasses.replace(
        settings, database_url="postgresql://postgres@127.0.0.1:1/none?connect_timeout=1"
    )
    broken = dataclasses.replace(broken, pool_timeout_seconds=1)
    with TestClient(create_app(broken)) as client:
        response = client.get("/services/00000000-0000-0000-0000-000000000000")
    assert response.status_code >= 500
    [entry] = [e for e in request_lines.entries() if e["route"] == "/services/{service_id}"]
    assert entry["status"] == response.status_code


def test_metrics_need_the_token_or_loopback(settings: Settings) -> None:
    with TestClient(create_app(dataclasses.replace(settings, metrics_token="s3cret"))) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401
        ok = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        assert "http_requests_total" in ok.text
        assert "/metrics" not in client.get("/schema/openapi.json").json()["paths"]
    with TestClient(create_app(settings)) as client:
        refused = client.get("/metrics")  # the test client is not a loopback address
        assert refused.status_code == 403


def test_loopback_clients_may_scrape_without_a_token(settings: Settings) -> None:
    class Peer:
        def __init__(self, host: str) -> None:
            self.client = type("Address", (), {"host": host})()
            self.headers: dict[str, str] = {}

    check_access(Peer("127.0.0.1"), settings)  # type: ignore[arg-type]
    check_access(Peer("::1"), settings)  # type: ignore[arg-type]
    with pytest.raises(Exception, match="loopback"):
        check_access(Peer("10.0.0.8"), settings)  # type: ignore[arg-type]
