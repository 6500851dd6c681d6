"""CORS over HTTP against a real server process: only the configured origin (by default the
origin of PUBLIC_APP_URL) gets Access-Control-Allow-Origin, with Vary: Origin; foreign and
forged origins get none, and their preflight is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.local.seed import SeedResult
from reference_app.local.stack import ServerProcess, start_server
from reference_app.settings import Settings

APP_ORIGIN = "https://app.example.com"


@pytest.fixture(scope="module")
def server(database_url: str, log_dir: Path) -> Iterator[ServerProcess]:
    env = {"PUBLIC_APP_URL": f"{APP_ORIGIN}/dashboard", "EMAIL_SENDER_ENABLED": "false"}
    process = start_server(database_url, env=env, log_dir=log_dir)
    try:
        yield process
    finally:
        process.stop()


def _preflight(url: str, origin: str, method: str = "POST", headers: str = "content-type") -> httpx.Response:
    return httpx.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
        timeout=10,
    )


def test_the_app_origin_is_allowed_on_preflight(server: ServerProcess, tenant: SeedResult) -> None:
    url = f"{server.url}/services/{tenant.services['standard']}/book"
    response = _preflight(url, APP_ORIGIN, headers="content-type, idempotency-key")
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert "Origin" in response.headers["vary"]
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "idempotency-key" in response.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example.net",
        "http://app.example.com",  # another scheme is another origin
        "https://app.example.com.evil.net",  # a suffix
        "https://appXexample.com",  # a dot read as a pattern
        "https://app.example.com:8443",  # another port
        "null",
        "*",
        "https://" + "a" * 5000 + ".com",  # huge
    ],
)
def test_foreign_and_forged_origins_are_refused(
    server: ServerProcess, tenant: SeedResult, origin: str
) -> None:
    url = f"{server.url}/services/{tenant.services['standard']}/book"
    response = _preflight(url, origin)
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    assert response.json()["error"]["code"] == "cors_origin_not_allowed"
    simple = httpx.get(f"{server.url}/health", headers={"Origin": origin}, timeout=10)
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers
    assert "Origin" in simple.headers["vary"]


def test_actual_requests_echo_only_the_allowed_origin(server: ServerProcess, tenant: SeedResult) -> None:
    ok = httpx.get(f"{server.url}/services/{tenant.services['standard']}", headers={"Origin": APP_ORIGIN})
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == APP_ORIGIN
    assert "Origin" in ok.headers["vary"]
    assert "X-Request-ID" in ok.headers["access-control-expose-headers"]
    # Error responses carry it too, so the page can read the error.
    missing = httpx.get(
        f"{server.url}/services/00000000-0000-0000-0000-000000000000", headers={"Origin": APP_ORIGIN}
    )
    assert missing.status_code == 404
    assert missing.headers["access-control-allow-origin"] == APP_ORIGIN


def test_preflight_with_unlisted_header_or_method_is_refused(server: ServerProcess) -> None:
    assert _preflight(f"{server.url}/health", APP_ORIGIN, headers="x-secret").status_code == 403
    assert _preflight(f"{server.url}/health", APP_ORIGIN, method="TRACE").status_code == 403


def test_configured_origins_replace_the_default(settings: Settings) -> None:
    configured = Settings.from_env({"CORS_ALLOWED_ORIGINS": "https://a.example.com, https://B.example.com/"})
    assert configured.allowed_origins == ("https://a.example.com", "https://b.example.com")
    assert Settings.from_env({"PUBLIC_APP_URL": "https://x.example.com/app"}).allowed_origins == (
        "https://x.example.com",
    )
    with pytest.raises(ValueError, match="CORS_ALLOWED_ORIGINS"):
        Settings.from_env({"CORS_ALLOWED_ORIGINS": "https://a.example.com/path"})
    app_settings = Settings(
        database_url=settings.database_url, pool_min_size=1, cors_allowed_origins=("https://b.example.com",)
    )
    with TestClient(create_app(app_settings)) as client:
        allowed: Any = client.options(
            "/health", headers={"Origin": "https://b.example.com", "Access-Control-Request-Method": "GET"}
        )
        assert allowed.headers["access-control-allow-origin"] == "https://b.example.com"
        refused = client.options(
            "/health", headers={"Origin": "http://127.0.0.1:8000", "Access-Control-Request-Method": "GET"}
        )
        assert "access-control-allow-origin" not in refused.headers


def test_star_only_when_configured(settings: Settings) -> None:
    app_settings = Settings(database_url=settings.database_url, pool_min_size=1, cors_allowed_origins=("*",))
    with TestClient(create_app(app_settings)) as client:
        response = client.get("/health", headers={"Origin": "https://anyone.example"})
    assert response.headers["access-control-allow-origin"] == "*"
