"""Preflight: in seconds, before any load, suite or checklist starts, prove the target can be
judged at all. Each check that fails stops the run with one line naming what is wrong and how
to fix it (PreflightError, exit 2), instead of a run that sends nothing useful and ends in a
misleading verdict.

1. every server URL answers HTTP (connection refused, timeout and unknown host are told apart);
2. it is the booking API: GET /health answers the JSON the harness understands (a status, the
   running version and the schema state) and says "ok";
3. every service the target names exists, and fits the role it is named for (the roles of
   harness/adapters/reference_preflight.py); the roles the run needs are named;
4. the admin credentials, when given, sign in: ONCE. The reference service refuses an email's
   sign-ins for the rest of a 15-minute window after 5 failures, so a mistyped password
   must fail here, once, not in every simulated user;
5. the database the audit reads (databaseUrl), when named, accepts a connection and holds the
   booking schema.

These are the reference API's checks, the reference adapter's own
(harness/adapters/reference_preflight.py); a target naming another adapter gets that adapter's
own `preflight()` instead (harness/adapters). Here: what every preflight shares (what a run
needs, the result, the one-line error) and the choice between them.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from harness.exit_codes import CannotJudge, first_line
from harness.target import Target

DEFAULT_TIMEOUT_S = 5.0


class PreflightError(CannotJudge):
    """The target cannot be judged as it is; the message is the one line to show."""


@dataclass(frozen=True)
class Needs:
    """What a run needs of the target beyond answering as the booking API."""

    roles: tuple[str, ...] = ()  # every one of these roles must be named
    any_role_of: tuple[str, ...] = ()  # at least one of these
    admin: bool = False  # admin credentials must be given (and sign in)
    audit: bool = False  # the history audit: a databaseUrl or admin credentials
    # The run speaks to the target through its adapter (python -m harness race); False: it
    # sends the reference API's requests itself, so a target of another adapter is refused.
    through_adapter: bool = False


@dataclass
class PreflightResult:
    target: Target
    version: str = ""
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    admin_token: str | None = None
    database: bool = False
    summary: str = ""  # another adapter's own preflight line

    def line(self) -> str:
        if self.summary:
            return self.summary
        parts = [f"preflight ok: {self.target.base_url} is the booking API {self.version}"]
        if self.services:
            parts.append("services " + ", ".join(sorted(self.services)))
        if self.admin_token:
            parts.append(f"admin {self.target.admin_email} signed in (once)")
        if self.database:
            parts.append("audit database connected")
        return "; ".join(parts)


def redact(url: str) -> str:
    """The URL without its password (for messages that may land in CI logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: BaseException | None = exc
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def transport_problem(url: str, exc: httpx.TransportError, timeout: float) -> str:
    """One line telling a refused connection, a timeout and an unknown host apart."""

    host = urlsplit(url).hostname or url
    fix = "start the service, or fix baseUrl / urls in the target file (or --base-url)"
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer from {url} within {timeout:g} s ({type(exc).__name__}): {fix}"
    if any(isinstance(c, socket.gaierror) for c in _causes(exc)) or "name resolution" in str(exc).lower():
        return f"cannot resolve the host {host!r} of {url}: check the host name in baseUrl (or --base-url)"
    text = " ".join(str(c) for c in _causes(exc)).lower()
    if isinstance(exc, httpx.ConnectError) and ("refused" in text or "errno 111" in text):
        return f"connection refused at {url}: nothing listens there; {fix}"
    return f"cannot reach {url} ({type(exc).__name__}: {first_line(exc) or 'no detail'}): {fix}"


def preflight(
    target: Target,
    needs: Needs = Needs(),
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    http: httpx.Client | None = None,
) -> PreflightResult:
    """The preflight of the target's adapter: the reference API's checks below for the
    reference adapter, the adapter's own `preflight()` hook for any other (a system that is
    not the reference API is not refused for failing the reference's checks), when the run
    goes through the adapter (`needs.through_adapter`); a run that speaks the reference API
    itself refuses another adapter's target in one line."""
    if target.adapter == "reference":
        return reference_preflight(target, needs, timeout=timeout, http=http)
    from harness.adapters import adapter_preflight, open_adapter

    system = open_adapter(target)  # an unknown adapter is named before anything else
    try:
        if not needs.through_adapter:
            raise PreflightError(
                f"the target names the adapter {target.adapter!r}, and this command does not run through "
                "adapters yet (it speaks the reference API): run `python -m harness race --target-file F`"
            )
        found = adapter_preflight(system)
    finally:
        system.close()
    return PreflightResult(
        target, summary=f"preflight ok: adapter {system.name} at {target.base_url}: {found}"
    )


def reference_preflight(
    target: Target,
    needs: Needs = Needs(),
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    http: httpx.Client | None = None,
) -> PreflightResult:
    """The reference API's checks (harness/adapters/reference_preflight.py), in order; the first
    failure raises PreflightError."""
    from harness.adapters.reference_preflight import run_checks

    return run_checks(target, needs, timeout=timeout, http=http)
