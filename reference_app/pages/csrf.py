"""CSRF tokens for the page forms (never for the JSON API, which takes no cookies).

Signed-in forms carry an HMAC of the session token: only a page that could read the session
(our own, served to its owner) can produce it, and no server secret needs sharing between
server processes. The login form, before any session exists, uses a double-submit cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from litestar.datastructures import FormMultiDict

CSRF_FIELD = "csrf_token"
LOGIN_CSRF_COOKIE = "booking_login_csrf"


class CsrfRejected(Exception):
    """A page form arrived without the token its session (or login cookie) expects."""


def csrf_token_for_session(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"booking-pages-csrf-v1", hashlib.sha256).hexdigest()


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def check_csrf(form: FormMultiDict, expected: str | None) -> None:
    sent = form.get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise CsrfRejected("The form's security token is missing or wrong.")
