"""Admin sign-in: tokens, expiry, logout, and 401 without one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from reference_app.clock import SettableClock
from reference_app.local.seed import SeedResult
from tests.integration.calls import error_code

ADMIN_ROUTES = [
    ("GET", "/jobs?start=2030-01-10&end=2030-01-10"),
    ("POST", "/jobs"),
    ("GET", "/jobs/00000000-0000-0000-0000-000000000000"),
    ("PATCH", "/jobs/00000000-0000-0000-0000-000000000000"),
    ("POST", "/jobs/00000000-0000-0000-0000-000000000000/confirm"),
    ("GET", "/admin/services"),
    ("POST", "/admin/services"),
    ("DELETE", "/admin/services/00000000-0000-0000-0000-000000000000"),
    ("GET", "/auth/me"),
    ("POST", "/auth/logout"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc", "Bearer "])
def test_admin_routes_need_a_valid_token(
    client: TestClient[Any], method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"


def test_login_and_me(client: TestClient[Any], tenant: SeedResult) -> None:
    response = client.post(
        "/auth/login",
        json={"email": tenant.admin_email.upper(), "password": tenant.admin_password},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["tokenType"] == "Bearer"
    assert body["user"]["tenantId"] == tenant.tenant_id
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.json()["email"] == tenant.admin_email
    assert me.json()["timeZone"] == "America/New_York"


@pytest.mark.parametrize("which", ["password", "email"])
def test_wrong_credentials_are_401(client: TestClient[Any], tenant: SeedResult, which: str) -> None:
    body = {"email": tenant.admin_email, "password": tenant.admin_password}
    body[which] = "nobody@example.com" if which == "email" else "wrong"
    response = client.post("/auth/login", json=body)
    assert response.status_code == 401
    assert error_code(response) == "invalid_credentials"


def test_logout_invalidates_the_token(client: TestClient[Any], admin_headers: dict[str, str]) -> None:
    assert client.get("/auth/me", headers=admin_headers).status_code == 200
    assert client.post("/auth/logout", headers=admin_headers).status_code == 204
    assert client.get("/auth/me", headers=admin_headers).status_code == 401


def test_token_expires(client: TestClient[Any], admin_headers: dict[str, str], clock: SettableClock) -> None:
    clock.advance(timedelta(hours=11, minutes=59))
    assert client.get("/auth/me", headers=admin_headers).status_code == 200
    clock.advance(timedelta(minutes=2))
    assert client.get("/auth/me", headers=admin_headers).status_code == 401
