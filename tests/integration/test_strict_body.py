"""JSON bodies are judged strictly: no wrong-typed value is coerced, on public and admin routes
alike; on admin routes a bad token is still a 401 whatever the body, and a strict 422 after
sign-in gives the request's pooled connection back."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.local.seed import SeedResult
from reference_app.settings import Settings
from tests.integration.calls import error_code

COERCIBLE = [
    pytest.param({"durationMinutes": "30"}, "durationMinutes", id="numeric-string-for-int"),
    pytest.param({"active": "true"}, "active", id="string-for-bool"),
    pytest.param({"active": 1}, "active", id="one-for-bool"),
    pytest.param({"bookingSettings": {"sameDayBooking": "0"}}, "bookingSettings.sameDayBooking", id="nested"),
]


@pytest.mark.parametrize(("extra", "key"), COERCIBLE)
def test_admin_body_values_a_lax_decoder_would_coerce_are_422(
    client: TestClient[Any], admin_headers: dict[str, str], extra: dict[str, Any], key: str
) -> None:
    body = {"name": "Strict", "durationMinutes": 30, **extra}
    response = client.post("/admin/services", json=body, headers=admin_headers)
    assert response.status_code == 422, response.text
    assert error_code(response) == "validation_error"
    [detail] = response.json()["error"]["details"]
    assert detail["key"] == key
    assert detail["source"] == "body"


def test_a_number_is_not_a_booking_time(client: TestClient[Any], tenant: SeedResult) -> None:
    body = {"startTime": 1894280400, "contact": {"name": "Ada", "email": "ada@example.com"}}
    response = client.post(f"/services/{tenant.services['standard']}/book", json=body)
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    assert response.json()["error"]["details"][0]["key"] == "startTime"


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token"])
def test_a_bad_token_is_401_before_the_body_is_judged(
    client: TestClient[Any], authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = client.post("/admin/services", json={"name": 5, "durationMinutes": "30"}, headers=headers)
    assert (response.status_code, error_code(response)) == (401, "unauthorized")


def test_strict_rejections_after_sign_in_do_not_hold_connections(
    settings: Settings, tenant: SeedResult
) -> None:
    # Four pooled connections and a short wait: were each rejection to keep its connection, the
    # fifth would wait in vain and the last request would fail.
    tight = dataclasses.replace(settings, pool_min_size=1, pool_max_size=4, pool_timeout_seconds=3)
    with TestClient(create_app(tight)) as client:
        login = client.post(
            "/auth/login", json={"email": tenant.admin_email, "password": tenant.admin_password}
        )
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        for _ in range(12):
            bad = client.post("/admin/services", json={"name": "x", "durationMinutes": "30"}, headers=headers)
            assert bad.status_code == 422, bad.text
        assert client.get("/admin/services", headers=headers).status_code == 200
