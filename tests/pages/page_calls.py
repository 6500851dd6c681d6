"""Request helpers for the page tests: sign in through the login form, read CSRF tokens."""

from __future__ import annotations

import re
from typing import Any

import httpx
from litestar.testing import TestClient

from reference_app.local.seed import SeedResult
from reference_app.pages.session import SESSION_COOKIE

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient[Any], tenant: SeedResult, next_path: str = "/schedule") -> httpx.Response:
    form = client.get("/login", params={"next": next_path})
    assert form.status_code == 200, form.text
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(form.text),
            "next": next_path,
            "email": tenant.admin_email,
            "password": tenant.admin_password,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert client.cookies.get(SESSION_COOKIE)
    return response


def schedule_page(client: TestClient[Any], **params: str) -> httpx.Response:
    return client.get("/schedule", params=params, follow_redirects=False)


def page_csrf(client: TestClient[Any]) -> str:
    """The CSRF token of the signed-in session, as its pages carry it."""
    return csrf_token(schedule_page(client).text)


def act(client: TestClient[Any], job_id: str, action: str, csrf: str | None, **fields: str) -> httpx.Response:
    data = {"view": "day", "date": "2030-01-10", **fields}
    if csrf is not None:
        data["csrf_token"] = csrf
    return client.post(f"/schedule/jobs/{job_id}/{action}", data=data, follow_redirects=False)
