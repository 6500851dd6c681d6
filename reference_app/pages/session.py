"""The admin pages' session: a cookie holding an auth token from the same table as bearer tokens,
so logging out (or the token expiring) ends the page session too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from litestar import Request, Response
from litestar.di import NamedDependency

from reference_app.auth.service import Principal, principal_for_token
from reference_app.db import Connection
from reference_app.pages.csrf import csrf_token_for_session
from reference_app.settings import Settings

SESSION_COOKIE = "booking_session"
# A local path only: "/x" but not "//host" or "/\host", which browsers treat as another origin.
_LOCAL_PATH = re.compile(r"/(?![/\\])\S*")


@dataclass(frozen=True)
class PageSession:
    token: str
    principal: Principal

    @property
    def csrf_token(self) -> str:
        return csrf_token_for_session(self.token)


# The injected session of a signed-in page request.
Session = NamedDependency[PageSession]


class LoginRequired(Exception):
    """No valid session: the page handler answers with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__("login required")
        self.next_path = next_path


def safe_next(value: str | None, default: str = "/schedule") -> str:
    return value if value and _LOCAL_PATH.fullmatch(value) else default


def login_url(next_path: str) -> str:
    return f"/login?next={quote(safe_next(next_path), safe='')}"


def _requested_path(request: Request) -> str:
    if request.method != "GET":
        return "/schedule"
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def provide_page_session(
    request: Request, conn: NamedDependency[Connection], settings: NamedDependency[Settings]
) -> PageSession:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        principal = await principal_for_token(conn, token, now=settings.clock.now())
        if principal is not None:
            return PageSession(token, principal)
    raise LoginRequired(_requested_path(request))


def set_session_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
