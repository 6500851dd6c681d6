"""Infrastructure items read from the service itself: the front end's env file, the running
version, pending migrations, CORS."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from checklists.checks.evidence import file_line, http_exchange, http_failure
from checklists.checks.registry import check
from checklists.context import CheckContext
from checklists.model import CheckResult, Evidence, judged
from harness.adapters import reference_paths
from harness.checkout import checkout_commit
from harness.model import Capability

_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def read_env_file(path: Path) -> dict[str, tuple[str, int]]:
    """KEY=VALUE lines (quotes stripped, comments skipped) -> (value, line number)."""
    found: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if match:
            value = match[2]
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            found[match[1]] = (value, number)
    return found


def get_health(ctx: CheckContext, base_url: str | None = None) -> tuple[dict[str, Any] | None, Evidence]:
    """GET /health: its JSON body (None when unreachable or not JSON) and the exchange."""
    url = reference_paths.health_url(base_url or ctx.target.base_url)
    try:
        response = httpx.get(url, timeout=ctx.http_timeout)
    except httpx.HTTPError as exc:
        return None, http_failure("GET /health", "GET", url, exc)
    try:
        body = response.json()
    except ValueError:
        body = None
    return (body if isinstance(body, dict) else None), http_exchange("GET /health", response)


@check("env_file", needs=[Capability.HEALTH_REPORT])
def env_file(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    if ctx.env_file is None:
        return CheckResult.skipped("no --env-file given: the front end's environment file is not known here")
    path = ctx.env_file
    try:
        values = read_env_file(path)
    except OSError as exc:
        return CheckResult.failed(f"cannot read env file {path}: {exc}")
    flag = str(params.get("mock_flag", "VITE_USE_MOCK_DATA"))
    evidence: list[Evidence] = []
    failures: list[str] = []
    if flag not in values:
        failures.append(f"{flag} is not set in {path} (mock data must be switched off explicitly)")
        evidence.append(file_line(f"{flag} missing", str(path), None, ""))
    else:
        value, line = values[flag]
        evidence.append(file_line(flag, str(path), line, f"{flag}={value}"))
        if value.strip().lower() != "false":
            failures.append(f"{flag}={value} at {path}:{line} (must be false)")
    keys = [str(k) for k in params.get("api_url_keys", ["VITE_API_URL"])]
    api_key = next((k for k in keys if k in values), None)
    if api_key is None:
        failures.append(f"no API URL in {path} (looked for {', '.join(keys)})")
    else:
        api_url, line = values[api_key]
        evidence.append(file_line(api_key, str(path), line, f"{api_key}={api_url}"))
        body, exchange = get_health(ctx, api_url)
        evidence.append(exchange)
        if body is None or body.get("status") != "ok":
            failures.append(f"{api_key}={api_url} does not answer /health with status ok")
    return judged(failures, f"{flag}=false and the API URL answers /health", evidence)


@check("deployed_version", needs=[Capability.HEALTH_REPORT])
def deployed_version(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    body, exchange = get_health(ctx)
    if body is None:
        return CheckResult.failed("/health gave no JSON answer", exchange)
    version = body.get("version")
    if not isinstance(version, str) or not version:
        return CheckResult.failed("/health reports no version", exchange)
    if ctx.expect_version:
        if version != ctx.expect_version:
            return CheckResult.failed(f"running {version!r}, expected {ctx.expect_version!r}", exchange)
        return CheckResult.passed(f"running {version}, as expected", exchange)
    commit = checkout_commit(ctx.repo_root)
    if commit is None:
        return CheckResult.skipped("no --expect-version given and this is not a git checkout", exchange)
    # The contract's version ends in "+g<commit>" (perhaps with a suffix such as ".dirty");
    # short commits may differ in length.
    found = re.search(r"\+g([0-9a-f]{4,40})", version)
    running = found[1] if found else ""
    if running and (running.startswith(commit) or commit.startswith(running)):
        return CheckResult.passed(f"running {version}, this checkout's commit {commit}", exchange)
    return CheckResult.failed(f"running {version!r}, not this checkout's commit {commit}", exchange)


def _database_pending(database_url: str) -> tuple[list[str], Evidence]:
    import psycopg

    from reference_app.migrations import available_migrations

    shipped = {m.version: f"{m.version:04d}_{m.name}" for m in available_migrations()}
    with psycopg.connect(database_url, connect_timeout=10) as conn:
        exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
        applied = (
            {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
            if exists and exists[0]
            else set()
        )
    pending = [name for version, name in sorted(shipped.items()) if version not in applied]
    where = urlsplit(database_url)
    detail = {
        "database": f"{where.hostname}:{where.port}{where.path}",
        "query": "SELECT version FROM schema_migrations",
        "applied": sorted(applied),
        "shipped": list(shipped.values()),
        "pending": pending,
    }
    return pending, Evidence("schema_migrations in the target's database", detail)


@check("migrations_applied", needs=[Capability.HEALTH_REPORT])
def migrations_applied(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    body, exchange = get_health(ctx)
    evidence = [exchange]
    failures: list[str] = []
    schema = body.get("schema") if body else None
    judged_by: list[str] = []
    if isinstance(schema, dict):
        judged_by.append("GET /health")
        pending = schema.get("pending")
        if not isinstance(pending, int) or isinstance(pending, bool):
            failures.append(f"/health schema.pending is {pending!r}, not a count")
        elif pending:
            failures.append(
                f"/health: {pending} migration(s) pending (applied {schema.get('applied')!r}, "
                f"latest {schema.get('latest')!r})"
            )
    if ctx.target.database_url:
        judged_by.append("the database")
        try:
            not_applied, db_evidence = _database_pending(ctx.target.database_url)
        except Exception as exc:  # a database we cannot read is a failed check, with why
            failures.append(f"cannot read the target's schema_migrations: {type(exc).__name__}: {exc}")
        else:
            evidence.append(db_evidence)
            if not_applied:
                failures.append(f"database: pending {not_applied}")
    if not judged_by:
        return CheckResult.failed(
            "cannot tell: /health reports no schema state and the target names no databaseUrl", *evidence
        )
    return judged(failures, f"no migration pending (judged by {' and '.join(judged_by)})", evidence)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _preflight(ctx: CheckContext, path: str, origin: str, method: str) -> httpx.Response:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "content-type",
    }
    return httpx.options(f"{ctx.target.base_url}{path}", headers=headers, timeout=ctx.http_timeout)


def look_alikes(own: str) -> list[str]:
    """Origins a loose origin match lets through, made from the app's own: the own origin with
    more after it (a prefix match), the same host with more before it (a suffix match), the
    other scheme (http and https are different origins), and `null` (sandboxed frames and local
    files send it, and anyone can make a page that does)."""
    parts = urlsplit(own)
    other_scheme = "http" if parts.scheme == "https" else "https"
    return [
        f"{own}.evil.example",
        f"{parts.scheme}://evil{parts.netloc}",
        f"{other_scheme}://{parts.netloc}",
        "null",
    ]


@check("cors_restricted", needs=[Capability.CORS])
def cors_restricted(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    """The app's own origin is allowed; a foreign origin and the look-alikes of the own one
    (`look_alikes = false` leaves those out) get no Access-Control-Allow-Origin of their own
    or `*`, on a preflight or on a simple GET."""
    path = str(params.get("path", reference_paths.SIGN_IN))
    method = str(params.get("method", "POST"))
    foreign = str(params.get("foreign_origin", "https://evil.example"))
    own_url = ctx.expect_public_url or ctx.target.public_app_url
    if not own_url:
        return CheckResult.failed("the target names no publicAppUrl, so the app's own origin is unknown")
    own = _origin(own_url)
    others = look_alikes(own) if params.get("look_alikes", True) else []
    evidence: list[Evidence] = []
    failures: list[str] = []
    try:
        refused = _preflight(ctx, path, foreign, method)
        allowed = _preflight(ctx, path, own, method)
        health = reference_paths.health_url(ctx.target.base_url)
        simple = httpx.get(health, headers={"Origin": foreign}, timeout=ctx.http_timeout)
        probes = [
            (origin, label, response)
            for origin in others
            for label, response in (
                ("preflight", _preflight(ctx, path, origin, method)),
                ("GET /health", httpx.get(health, headers={"Origin": origin}, timeout=ctx.http_timeout)),
            )
        ]
    except httpx.HTTPError as exc:
        return CheckResult.failed(
            f"CORS requests failed: {exc}", http_failure("preflight", "OPTIONS", path, exc)
        )
    evidence += [
        http_exchange(f"preflight from a foreign origin {foreign}", refused),
        http_exchange(f"preflight from the app's own origin {own}", allowed),
        http_exchange(f"GET /health from {foreign}", simple),
    ]
    answers = [(foreign, "preflight", refused), (foreign, "GET /health", simple), *probes]
    for origin, label, response in answers:
        granted = response.headers.get("access-control-allow-origin")
        if granted in ("*", origin):
            failures.append(f"{label} from {origin} allowed (Access-Control-Allow-Origin: {granted})")
            if origin != foreign:
                evidence.append(http_exchange(f"{label} from {origin}, a look-alike of {own}", response))
    granted_own = allowed.headers.get("access-control-allow-origin")
    if granted_own != own or not allowed.is_success:
        failures.append(
            f"preflight from the app's own origin {own} not allowed "
            f"(status {allowed.status_code}, Access-Control-Allow-Origin: {granted_own})"
        )
    refused_too = f" and {len(others)} look-alikes of it ({', '.join(others)})" if others else ""
    return judged(failures, f"only {own} is allowed; {foreign}{refused_too} are refused", evidence)
