"""Admin page sessions: login required, the session cookie's flags, login CSRF, logout."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import TestClient

from reference_app.clock import SettableClock
from reference_app.local.seed import SeedResult
from reference_app.pages.csrf import LOGIN_CSRF_COOKIE
from reference_app.pages.session import SESSION_COOKIE
from tests.pages.page_calls import csrf_token, page_csrf, schedule_page, sign_in


def test_schedule_redirects_to_login_and_back(client: TestClient[Any], tenant: SeedResult) -> None:
    response = schedule_page(client, view="month", date="2030-01-09")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fschedule%3Fview%3Dmonth%26date%3D2030-01-09"
    landed = sign_in(client, tenant, next_path="/schedule?view=month&date=2030-01-09")
    assert landed.headers["location"] == "/schedule?view=month&date=2030-01-09"
    page = schedule_page(client, view="month", date="2030-01-09")
    assert page.status_code == 200
    assert 'data-testid="calendar"' in page.text


def test_page_forms_redirect_to_login_without_a_session(client: TestClient[Any], tenant: SeedResult) -> None:
    for path in ["/schedule/jobs", "/schedule/jobs/00000000-0000-0000-0000-000000000000/confirm", "/logout"]:
        response = client.post(path, data={"csrf_token": "x"}, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login")


def test_session_cookie_is_httponly_and_lax(client: TestClient[Any], tenant: SeedResult) -> None:
    response = sign_in(client, tenant)
    cookie = next(v for v in response.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/" in cookie


def test_wrong_password_shows_the_error(client: TestClient[Any], tenant: SeedResult) -> None:
    form = client.get("/login")
    response = client.post(
        "/login",
        data={"csrf_token": csrf_token(form.text), "email": tenant.admin_email, "password": "wrong"},
        follow_redirects=False,
    )
    assert response.status_code == 401
    assert 'data-testid="login-error"' in response.text
    assert "Email or password is wrong." in response.text
    assert SESSION_COOKIE not in client.cookies


def test_login_form_without_its_csrf_token_is_refused(client: TestClient[Any], tenant: SeedResult) -> None:
    credentials = {"email": tenant.admin_email, "password": tenant.admin_password}
    # No cookie and no field: a cross-site form post.
    assert client.post("/login", data=credentials, follow_redirects=False).status_code == 403
    # The cookie but not the field, then a field that does not match the cookie.
    client.get("/login")
    assert client.post("/login", data=credentials, follow_redirects=False).status_code == 403
    wrong = {**credentials, "csrf_token": "not-the-cookie"}
    refused = client.post("/login", data=wrong, follow_redirects=False)
    assert refused.status_code == 403
    assert 'data-code="csrf_rejected"' in refused.text
    assert SESSION_COOKIE not in client.cookies
    assert client.cookies.get(LOGIN_CSRF_COOKIE)


def test_next_is_only_ever_a_local_path(client: TestClient[Any], tenant: SeedResult) -> None:
    for evil in ["//evil.example/x", "https://evil.example/", "/\\evil.example"]:
        client.cookies.clear()
        assert sign_in(client, tenant, next_path=evil).headers["location"] == "/schedule"


def test_logout_invalidates_the_session(client: TestClient[Any], tenant: SeedResult) -> None:
    sign_in(client, tenant)
    token = client.cookies[SESSION_COOKIE]
    response = client.post("/logout", data={"csrf_token": page_csrf(client)}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    # The old cookie no longer opens the pages, and the token is gone from the token table.
    client.cookies.set(SESSION_COOKIE, token)
    assert schedule_page(client).status_code == 303
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_logout_needs_the_csrf_token(client: TestClient[Any], tenant: SeedResult) -> None:
    sign_in(client, tenant)
    assert client.post("/logout", data={}, follow_redirects=False).status_code == 403
    assert schedule_page(client).status_code == 200


def test_an_expired_session_asks_for_login_again(
    client: TestClient[Any], tenant: SeedResult, clock: SettableClock
) -> None:
    sign_in(client, tenant)
    clock.advance(timedelta(hours=13))
    assert schedule_page(client).status_code == 303


def test_the_session_cookie_does_not_open_the_json_api(client: TestClient[Any], tenant: SeedResult) -> None:
    # The JSON API takes bearer tokens only, which is why it needs no CSRF protection.
    sign_in(client, tenant)
    assert client.get("/jobs", params={"start": "2030-01-09", "end": "2030-01-09"}).status_code == 401
