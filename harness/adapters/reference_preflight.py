"""The reference API's preflight (the reference adapter's): in seconds, prove the target is the
reference booking API and can be judged (harness/preflight.py says what each check is for).

1. every server URL answers HTTP (connection refused, timeout and unknown host are told apart);
2. it is the booking API: GET /health answers the JSON the harness understands (a status, the
   running version and the schema state) and says "ok";
3. every service the target names exists, and fits the role it is named for (ROLES);
4. the admin credentials, when given, sign in: ONCE (the reference refuses an email's sign-ins
   for 15 minutes after 5 failures, so a mistyped password must fail here, once);
5. the database the audit reads (databaseUrl), when named, holds the booking schema.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from harness.adapters import reference_paths as paths
from harness.exit_codes import first_line
from harness.preflight import (
    DEFAULT_TIMEOUT_S,
    Needs,
    PreflightError,
    PreflightResult,
    redact,
    transport_problem,
)
from harness.target import Target

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FULL_DAY_MINUTES = 24 * 60


def _settings(service: Mapping[str, Any]) -> Mapping[str, Any]:
    settings = service.get("bookingSettings")
    return settings if isinstance(settings, Mapping) else {}


def _capacity(service: Mapping[str, Any]) -> int:
    return int(_settings(service).get("maxBookingsPerSlot", 1))


def _confirms(service: Mapping[str, Any]) -> bool:
    return bool(_settings(service).get("requireConfirmation", False))


def _minutes(wall: str) -> int:
    hours, _, minutes = wall.partition(":")
    return int(hours) * 60 + int(minutes or 0)


def _any_hour(service: Mapping[str, Any]) -> bool:
    """Working hours cover every minute of every day of the week."""
    hours = _settings(service).get("workingHours")
    if not isinstance(hours, Mapping):
        return False
    for day in WEEKDAYS:
        reached = 0
        for interval in sorted(hours.get(day) or [], key=lambda iv: _minutes(iv["start"])):
            if _minutes(interval["start"]) > reached:
                break
            reached = max(reached, _minutes(interval["end"]))
        if reached < FULL_DAY_MINUTES:
            return False
    return True


@dataclass(frozen=True)
class Role:
    """What a service named for a role must be (the suites rely on it)."""

    meaning: str
    fits: Callable[[Mapping[str, Any]], bool]


ROLES: dict[str, Role] = {
    "standard": Role("instant confirmation, capacity 1", lambda s: _capacity(s) == 1 and not _confirms(s)),
    "consultation": Role("bookings that need the business's confirmation", _confirms),
    "workshop": Role("capacity above 1 (several bookings per slot)", lambda s: _capacity(s) > 1),
    "callout": Role("bookable at any hour of every day", _any_hour),
}


def _json_object(response: httpx.Response) -> Mapping[str, Any] | None:
    try:
        data = response.json()
    except ValueError:
        return None
    return data if isinstance(data, Mapping) else None


def _content_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "no content type").split(";")[0].strip()


def check_health(http: httpx.Client, url: str, timeout: float) -> str:
    """The version the booking API at `url` runs; PreflightError when it is not one, or not well."""
    try:
        response = http.get(paths.health_url(url), timeout=timeout)
    except httpx.TransportError as exc:
        raise PreflightError(transport_problem(url, exc, timeout)) from None
    body = _json_object(response)
    schema = body.get("schema") if body else None
    if (
        body is None
        or not isinstance(body.get("status"), str)
        or not isinstance(body.get("version"), str)
        or not isinstance(schema, Mapping)
        or "latest" not in schema
    ):
        raise PreflightError(
            f"{url} answered but is not a booking API (GET /health gave {_content_type(response)} "
            f"{response.status_code}); check baseUrl in the target file (or --base-url)"
        )
    if body["status"] != "ok":
        raise PreflightError(
            f"the booking API at {url} is not well (GET /health {response.status_code}: status "
            f"{body['status']!r}, database {body.get('database')!r}); fix the service, then run again"
        )
    return str(body["version"])


def check_services(
    http: httpx.Client, target: Target, needs: Needs, timeout: float
) -> dict[str, dict[str, Any]]:
    named = sorted(target.services)
    missing = [role for role in needs.roles if role not in target.services]
    if missing:
        raise PreflightError(
            f"this run needs the service role(s) {missing}; the target names {named or 'none'}: "
            'add them to "services" in the target file (or HARNESS_SERVICES)'
        )
    if needs.any_role_of and not any(role in target.services for role in needs.any_role_of):
        raise PreflightError(
            f"this run needs at least one of the service roles {list(needs.any_role_of)}; the target "
            f'names {named or "none"}: add one to "services" in the target file (or HARNESS_SERVICES)'
        )
    found: dict[str, dict[str, Any]] = {}
    for role, service_id in target.services.items():
        try:
            response = http.get(target.base_url + paths.service(service_id), timeout=timeout)
        except httpx.TransportError as exc:
            raise PreflightError(transport_problem(target.base_url, exc, timeout)) from None
        body = _json_object(response)
        if response.status_code in (400, 404, 422) or (response.status_code == 200 and body is None):
            raise PreflightError(
                f"service {role!r} ({service_id}) does not exist at {target.base_url} (GET "
                f"/services/{service_id} gave {response.status_code}): fix services.{role} in the target file"
            )
        if response.status_code != 200 or body is None:
            raise PreflightError(
                f"GET /services/{service_id} (service {role!r}) at {target.base_url} answered "
                f"{response.status_code}: the service cannot be read; check the target"
            )
        service = dict(body.get("service", body))
        expected = ROLES.get(role)
        if expected is not None and not expected.fits(service):
            raise PreflightError(
                f"service {role!r} ({service_id}, {service.get('name', '?')!r}) does not fit its role "
                f"({role}: {expected.meaning}): name a service that does in services.{role}"
            )
        found[role] = service
    return found


def check_admin(http: httpx.Client, target: Target, needs: Needs, timeout: float) -> str | None:
    """The token of one sign-in with the target's admin credentials (None without them)."""
    if bool(target.admin_email) != bool(target.admin_password):
        given, lacking = ("email", "password") if target.admin_email else ("password", "email")
        raise PreflightError(
            f"the target gives the admin {given} but no {lacking}: set admin.{lacking} in the "
            f"target file (or HARNESS_ADMIN_{lacking.upper()})"
        )
    if not target.has_admin:
        if needs.admin:
            raise PreflightError(
                'this run needs admin credentials: set "admin": {"email", "password"} in the target '
                "file (or HARNESS_ADMIN_EMAIL / HARNESS_ADMIN_PASSWORD)"
            )
        if needs.audit and not target.database_url:
            raise PreflightError(
                "the audit reads the final state through the admin API or the database: give admin "
                "credentials or a databaseUrl in the target file"
            )
        return None
    try:
        response = http.post(
            target.base_url + paths.SIGN_IN,
            json={"email": target.admin_email, "password": target.admin_password},
            timeout=max(timeout, 15.0),  # a password hash is slow on purpose
        )
    except httpx.TransportError as exc:
        raise PreflightError(transport_problem(target.base_url, exc, timeout)) from None
    body = _json_object(response) or {}
    if response.status_code == 200 and isinstance(body.get("token"), str):
        return str(body["token"])
    if response.status_code == 429:
        wait = response.headers.get("Retry-After", "?")
        raise PreflightError(
            f"admin sign-in for {target.admin_email} is locked at {target.base_url} (429: too many failed "
            f"sign-ins; retry after {wait} s): wait, or give the harness an admin account of its own"
        )
    error = body.get("error") if isinstance(body.get("error"), Mapping) else {}
    code = error.get("code") if isinstance(error, Mapping) else None
    raise PreflightError(
        f"admin sign-in refused for {target.admin_email} at {target.base_url} "
        f"({response.status_code} {code or _content_type(response)}): fix admin.email / admin.password "
        "in the target file (or HARNESS_ADMIN_*); tried once, so the account is not locked"
    )


def check_database(database_url: str, timeout: float) -> None:
    import psycopg

    shown = redact(database_url)
    try:
        with psycopg.connect(database_url, connect_timeout=max(1, round(timeout))) as conn:
            row = conn.execute("SELECT to_regclass('jobs') IS NOT NULL").fetchone()
    except (psycopg.Error, ValueError) as exc:
        raise PreflightError(
            f"the audit cannot connect to databaseUrl {shown} ({first_line(exc)}): fix databaseUrl in "
            "the target file (or HARNESS_DATABASE_URL), or drop it to audit through the admin API"
        ) from None
    if not row or not row[0]:
        raise PreflightError(
            f"databaseUrl {shown} holds no booking schema (no jobs table): name the target's own database"
        )


def run_checks(
    target: Target,
    needs: Needs | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    http: httpx.Client | None = None,
) -> PreflightResult:
    """Every check above, in order; the first failure raises PreflightError."""
    needs = needs or Needs()

    result = PreflightResult(target)
    owned = httpx.Client(timeout=timeout) if http is None else None
    with owned or contextlib.nullcontext(), contextlib.nullcontext(owned or http) as client:
        assert client is not None
        for url in dict.fromkeys((target.base_url, *target.urls)):
            version = check_health(client, url, timeout)
            result.version = result.version or version
        result.services = check_services(client, target, needs, timeout)
        result.admin_token = check_admin(client, target, needs, timeout)
    if target.database_url:
        check_database(target.database_url, timeout)
        result.database = True
    return result
