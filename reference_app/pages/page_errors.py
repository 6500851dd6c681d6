"""How the pages answer failures: HTML for people, where the JSON API answers JSON."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template

from reference_app.http.errors import ApiError
from reference_app.pages.csrf import CsrfRejected
from reference_app.pages.session import LoginRequired, clear_session_cookie, login_url

log = logging.getLogger(__name__)


def error_page(status: int, title: str, message: str, code: str | None = None) -> Template:
    return Template(
        "error.html",
        context={"status": status, "title": title, "message": message, "code": code},
        status_code=status,
    )


def not_found_page(message: str = "This page does not exist, or is no longer available.") -> Template:
    return error_page(404, "Not found", message, "not_found")


def _login_required(_: Request[Any, Any, Any], exc: LoginRequired) -> Response[Any]:
    response = Redirect(login_url(exc.next_path), status_code=303)
    clear_session_cookie(response)
    return response


def _csrf_rejected(_: Request[Any, Any, Any], exc: CsrfRejected) -> Response[Any]:
    return error_page(
        403,
        "Form expired",
        "This form could not be accepted: its security token is missing or wrong. "
        "Go back, reload the page and try again.",
        "csrf_rejected",
    )


def _api_error(_: Request[Any, Any, Any], exc: ApiError) -> Response[Any]:
    if exc.status == 404:
        return not_found_page(exc.message)
    return error_page(exc.status, "Request refused", exc.message, exc.code)


def _http_error(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code == 404:
        return not_found_page()
    return error_page(exc.status_code, "Request refused", exc.detail or "The request was refused.")


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on page %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(
        500, "Something went wrong", "The server could not handle the request.", "internal_error"
    )


PAGE_EXCEPTION_HANDLERS: dict[Any, Any] = {
    LoginRequired: _login_required,
    CsrfRejected: _csrf_rejected,
    ApiError: _api_error,
    HTTPException: _http_error,
    Exception: _unexpected,
}
