"""Admin sign-in and sign-out pages, on the same auth service as the JSON API's login."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import QueryParameter
from litestar.response import Redirect, Response, Template

from reference_app.auth import service as auth
from reference_app.deps import AppSettings, Conn
from reference_app.http.abuse_limits import client_address, throttled_login
from reference_app.http.errors import ApiError
from reference_app.pages.csrf import LOGIN_CSRF_COOKIE, check_csrf, new_login_csrf
from reference_app.pages.session import (
    Session,
    clear_session_cookie,
    provide_page_session,
    safe_next,
    set_session_cookie,
)


def _login_form(
    request: Request[Any, Any, Any], next_path: str, *, email: str = "", error: ApiError | None = None
) -> Template:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_csrf()
    page = Template(
        "login.html",
        context={"next": next_path, "email": email, "error": error, "csrf_token": token},
        status_code=error.status if error else 200,
        headers=error.headers if error else None,  # Retry-After on a throttled sign-in
    )
    page.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return page


class AuthPageController(Controller):
    path = "/"

    @get("/login")
    async def login_page(
        self,
        request: Request[Any, Any, Any],
        next_path: Annotated[str | None, QueryParameter(name="next")] = None,
    ) -> Template:
        return _login_form(request, safe_next(next_path))

    @post("/login")
    async def login(
        self, request: Request[Any, Any, Any], conn: Conn, settings: AppSettings
    ) -> Response[Any]:
        form = await request.form()
        check_csrf(form, request.cookies.get(LOGIN_CSRF_COOKIE))
        next_path = safe_next(form.get("next"))
        email = str(form.get("email") or "").strip()
        password = str(form.get("password") or "")
        if not email or not password:
            return _login_form(
                request,
                next_path,
                email=email,
                error=ApiError(422, "missing_fields", "Enter email and password."),
            )
        try:
            issued = await throttled_login(conn, settings, email, password, client_address(request))
        except ApiError as exc:
            return _login_form(request, next_path, email=email, error=exc)
        response = Redirect(next_path, status_code=303)
        set_session_cookie(response, request, issued.token, settings.token_ttl_seconds)
        return response

    @post("/logout", dependencies={"session": Provide(provide_page_session)})
    async def logout(self, request: Request[Any, Any, Any], conn: Conn, session: Session) -> Response[Any]:
        check_csrf(await request.form(), session.csrf_token)
        await auth.logout(conn, session.token)
        response = Redirect("/login", status_code=303)
        clear_session_cookie(response)
        return response
