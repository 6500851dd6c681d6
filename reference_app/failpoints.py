"""Failpoints: the one way code asks whether a deliberately broken variant is on.

A broken variant (catalogued in faults.py) acts at exactly one place, which asks
`failpoint_active("name")` there, as fail-rs's `fail_point!` or FoundationDB's BUGGIFY do.
Domain functions never take a switch for a fault as a parameter: the configured set travels
in a context variable instead, set around everything one application runs (each request, and
its lifespan, where the email sender and the feedback consumer start) from the settings it was
built with, so two applications in one process keep their own sets.

Off and free by default: with no failpoint configured the answer is one context-variable read.
The set comes from `BOOKING_FAULTS`, honoured only with `BOOKING_FAULTS_ALLOWED=break-this-service`
(faults.parse_faults refuses to start otherwise).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from typing import Any

from litestar import Litestar
from litestar.types import ASGIApp, Receive, Scope, Send

_ACTIVE: ContextVar[frozenset[str]] = ContextVar("reference_app_failpoints", default=frozenset())


def failpoint_active(name: str) -> bool:
    """Whether the broken variant `name` (a key of faults.KNOWN_FAULTS) is switched on here."""
    active = _ACTIVE.get()
    return bool(active) and name in active


@contextmanager
def failpoints(names: Iterable[str]) -> Iterator[None]:
    """Switch exactly these failpoints on (and every other off) for the code run inside."""
    token = _ACTIVE.set(frozenset(names))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


class FailpointScope:
    """ASGI wrapper: every request of one application runs with that application's set."""

    def __init__(self, app: ASGIApp, names: frozenset[str]) -> None:
        self.app = app
        self.names = names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with failpoints(self.names):
            await self.app(scope, receive, send)


def failpoints_lifespan(names: frozenset[str]) -> Any:
    """A lifespan entered first: tasks the later lifespans start inherit the set."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        with failpoints(names):
            yield

    return lifespan
