"""Abuse limits: failed sign-ins per email and per client address, public bookings made per
client address and service. Over a limit the answer is 429 with Retry-After, before any work (no
argon2 hash is computed for a throttled sign-in).

Counts live in PostgreSQL (abuse_counters, fixed windows), not in process memory: the service
runs several server processes behind one port, and a per-process count would let a client
multiply its allowance by the number of processes (and reset it with every restart). The cost
is one small statement per failed sign-in, and two per public booking. ABUSE_LIMITS=off switches
them off (the local stack's load runs do, all their users sharing 127.0.0.1).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from reference_app.auth.service import IssuedToken, login
from reference_app.db import Connection
from reference_app.failpoints import failpoint_active
from reference_app.http.errors import ApiError
from reference_app.operations import metrics
from reference_app.settings import Settings
from reference_app.sql import query

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
PRUNE_CHANCE = 0.01
# Its own generator: the module-level one belongs to callers (Hypothesis, for one, seeds it).
_prune_dice = random.Random()


@dataclass(frozen=True)
class Window:
    start: datetime
    seconds: int

    @classmethod
    def at(cls, now: datetime, seconds: int) -> Window:
        elapsed = (now - _EPOCH) // timedelta(seconds=seconds)
        return cls(_EPOCH + elapsed * timedelta(seconds=seconds), seconds)

    def retry_after(self, now: datetime) -> int:
        left = (self.start + timedelta(seconds=self.seconds) - now).total_seconds()
        return max(1, math.ceil(left))


async def _hit(conn: Connection, key: str, window: Window) -> int:
    """One more hit on key in window; now and then, drop every key's windows over a day old
    (a key's own older windows go with each hit; keys never hit again would stay forever)."""
    cur = await conn.execute(query("abuse_hit"), {"key": key, "window_start": window.start})
    row = await cur.fetchone()
    if _prune_dice.random() < PRUNE_CHANCE:
        await conn.execute(query("abuse_prune"), {"before": window.start - timedelta(days=1)})
    return int(row["hits"]) if row else 0


def too_many(window: Window, now: datetime, message: str) -> ApiError:
    return ApiError(429, "too_many_requests", message, headers={"Retry-After": str(window.retry_after(now))})


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    return connection.client.host if connection.client else "unknown"


def _signin_keys(email: str, address: str) -> tuple[str, str]:
    return f"signin:email:{email.strip().lower()}", f"signin:addr:{address}"


async def refuse_throttled_signin(conn: Connection, settings: Settings, email: str, address: str) -> None:
    """429 when this email or this address failed too often in the current window."""
    if not settings.abuse_limits or failpoint_active("prod_signin_unthrottled"):
        return
    now = settings.clock.now()
    window = Window.at(now, settings.signin_window_seconds)
    email_key, address_key = _signin_keys(email, address)
    cur = await conn.execute(
        query("abuse_hits"), {"keys": [email_key, address_key], "window_start": window.start}
    )
    hits = {row["key"]: row["hits"] for row in await cur.fetchall()}
    if hits.get(email_key, 0) >= settings.signin_max_failures_per_email:
        metrics.SIGNIN_THROTTLED.labels("email").inc()
        raise too_many(window, now, "Too many failed sign-ins for this email; try again later.")
    if hits.get(address_key, 0) >= settings.signin_max_failures_per_address:
        metrics.SIGNIN_THROTTLED.labels("address").inc()
        raise too_many(window, now, "Too many failed sign-ins from this address; try again later.")


async def record_failed_signin(conn: Connection, settings: Settings, email: str, address: str) -> None:
    if not settings.abuse_limits:
        return
    window = Window.at(settings.clock.now(), settings.signin_window_seconds)
    for key in _signin_keys(email, address):
        await _hit(conn, key, window)


async def clear_signin_failures(conn: Connection, settings: Settings, email: str) -> None:
    """A successful sign-in forgets the email's failures (not the address's)."""
    if settings.abuse_limits:
        await conn.execute(query("abuse_clear"), {"key": _signin_keys(email, "")[0]})


def _booking_key(service_id: object, address: str) -> str:
    return f"book:{service_id}:{address}"


async def public_booking_limit(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Route guard: 429 once BOOKING_MAX_PER_ADDRESS bookings were made from this client address
    on this service in the current BOOKING_WINDOW_SECONDS window. Bookings made count (see
    count_bookings_made), not attempts: refused and malformed attempts fill no calendar."""
    settings: Settings = connection.app.state.settings
    if not settings.abuse_limits:
        return
    now = settings.clock.now()
    window = Window.at(now, settings.booking_window_seconds)
    key = _booking_key(connection.path_params.get("service_id"), client_address(connection))
    async with connection.app.state.pool.connection() as conn:
        cur = await conn.execute(query("abuse_hits"), {"keys": [key], "window_start": window.start})
        row = await cur.fetchone()
    if row is not None and row["hits"] >= settings.booking_max_per_address:
        metrics.BOOKINGS_THROTTLED.inc()
        raise too_many(window, now, "Too many bookings from this address; try again later.")


def count_bookings_made(app: ASGIApp) -> ASGIApp:
    """Route middleware of the public booking: once a booking was made (201, not an idempotent
    replay) and its answer sent, count it for the guard above."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        made = False

        async def wrapped(message: Message) -> None:
            nonlocal made
            if message["type"] == "http.response.start":
                replayed = any(key.lower() == b"idempotent-replayed" for key, _ in message.get("headers", []))
                made = message["status"] == 201 and not replayed
            await send(message)

        await app(scope, receive, wrapped)
        settings: Settings = scope["app"].state.settings
        if not made or not settings.abuse_limits:
            return
        client = scope.get("client")
        key = _booking_key(scope.get("path_params", {}).get("service_id"), client[0] if client else "unknown")
        window = Window.at(settings.clock.now(), settings.booking_window_seconds)
        async with scope["app"].state.pool.connection() as conn:
            await _hit(conn, key, window)

    return middleware


async def throttled_login(
    conn: Connection, settings: Settings, email: str, password: str, address: str
) -> IssuedToken:
    """auth.login behind the sign-in limits: the API's and the login page's one way in."""
    await refuse_throttled_signin(conn, settings, email, address)
    try:
        issued = await login(
            conn, email, password, now=settings.clock.now(), ttl_seconds=settings.token_ttl_seconds
        )
    except ApiError as exc:
        if exc.code == "invalid_credentials":
            await record_failed_signin(conn, settings, email, address)
        raise
    await clear_signin_failures(conn, settings, email)
    return issued
