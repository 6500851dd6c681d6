"""Infrastructure checks read from the service, against small real HTTP servers (and a real
PostgreSQL scratch database for migrations): each target gets one thing wrong, and the check
must turn red with the evidence; a target that gets it right must pass."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from checklists.checks.service import cors_restricted, deployed_version, env_file, migrations_applied
from checklists.model import Outcome
from harness.adapters import reference_paths as paths
from harness.checkout import checkout_commit
from harness.target import Target
from reference_app.local.postgres_provider import ProvidedPostgres, scratch_database
from reference_app.migrations import available_migrations, migrate
from tests.checklists.conftest import REPO_ROOT, MakeContext
from tests.checklists.route_server import Answer, Request, RouteServer, serving

APP = "https://book.example.com"
CORS_PARAMS = {"foreign_origin": "https://evil.example", "method": "POST", "path": paths.SIGN_IN}


def cors_server(policy: str) -> RouteServer:
    """`strict` allows only APP; `star` answers every origin with `*`; `echo` reflects any origin;
    the loose matches reflect an origin that starts with APP, ends with its host, has its host
    whatever the scheme, or is `null`."""
    host = APP.split("://")[1]
    loose = {
        "prefix": lambda origin: origin.startswith(APP),
        "suffix": lambda origin: origin.endswith(host),
        "any-scheme": lambda origin: origin.split("://")[-1] == host,
        "null": lambda origin: origin in (APP, "null"),
    }

    def answer(request: Request) -> Answer:
        origin = request.headers.get("Origin", "")
        if policy in loose:
            granted = origin if loose[policy](origin) else None
        else:
            granted = {"strict": origin if origin == APP else None, "star": "*", "echo": origin}[policy]
        headers = {"Access-Control-Allow-Origin": granted} if granted else {}
        if request.method == "OPTIONS" and granted:
            headers["Access-Control-Allow-Methods"] = "GET, POST"
        status = (
            204 if request.method == "OPTIONS" and granted else 400 if request.method == "OPTIONS" else 200
        )
        return Answer(status, {"status": "ok"} if request.method == "GET" else None, headers)

    routes = RouteServer()
    routes.route("OPTIONS", paths.SIGN_IN, answer)
    routes.route("GET", paths.HEALTH, answer)
    return routes


@pytest.mark.parametrize("policy", ["star", "echo"])
def test_cors_open_to_any_origin_turns_red(make_context: MakeContext, policy: str) -> None:
    with serving(cors_server(policy)) as url:
        result = cors_restricted(make_context(Target(base_url=url, public_app_url=APP)), CORS_PARAMS)
    assert result.outcome is Outcome.FAILED
    assert "https://evil.example allowed" in result.summary
    preflight = result.evidence[0].detail
    assert preflight["request"]["headers"]["origin"] == "https://evil.example"
    assert preflight["response"]["headers"]["access-control-allow-origin"] in ("*", "https://evil.example")


@pytest.mark.parametrize(
    ("policy", "let_through"),
    [
        ("prefix", "https://book.example.com.evil.example"),
        ("suffix", "https://evilbook.example.com"),
        ("any-scheme", "http://book.example.com"),
        ("null", "null"),
    ],
)
def test_cors_matching_the_app_loosely_turns_red(
    make_context: MakeContext, policy: str, let_through: str
) -> None:
    # Each server refuses https://evil.example and allows the app: only the look-alike shows it.
    with serving(cors_server(policy)) as url:
        result = cors_restricted(make_context(Target(base_url=url, public_app_url=APP)), CORS_PARAMS)
    assert result.outcome is Outcome.FAILED
    assert f"preflight from {let_through} allowed" in result.summary, result.summary
    assert "https://evil.example allowed" not in result.summary
    shown = [e.detail for e in result.evidence if let_through in e.label]
    assert shown and shown[0]["response"]["headers"]["access-control-allow-origin"] == let_through


def test_cors_look_alikes_can_be_left_out(make_context: MakeContext) -> None:
    with serving(cors_server("any-scheme")) as url:
        params = {**CORS_PARAMS, "look_alikes": False}
        result = cors_restricted(make_context(Target(base_url=url, public_app_url=APP)), params)
    assert result.outcome is Outcome.PASSED, result.summary
    assert "look-alike" not in result.summary


def test_cors_allowing_only_the_app_passes(make_context: MakeContext) -> None:
    with serving(cors_server("strict")) as url:
        result = cors_restricted(make_context(Target(base_url=url, public_app_url=APP)), CORS_PARAMS)
    assert result.outcome is Outcome.PASSED, result.summary
    assert "4 look-alikes" in result.summary and "null" in result.summary


def test_cors_refusing_the_app_itself_turns_red(make_context: MakeContext) -> None:
    with serving(cors_server("strict")) as url:
        target = Target(base_url=url, public_app_url="https://other.example.com")
        result = cors_restricted(make_context(target), CORS_PARAMS)
    assert result.outcome is Outcome.FAILED
    assert "own origin https://other.example.com not allowed" in result.summary


def health_server(body: dict[str, Any], status: int = 200) -> RouteServer:
    routes = RouteServer()
    routes.route("GET", paths.HEALTH, Answer(status, body))
    return routes


SCHEMA_BEHIND = {"applied": "0002_email_outbox", "latest": "0003_job_length", "pending": 1}


def test_pending_migration_reported_by_health_turns_red(make_context: MakeContext) -> None:
    with serving(health_server({"status": "ok", "schema": SCHEMA_BEHIND})) as url:
        result = migrations_applied(make_context(Target(base_url=url)), {})
    assert result.outcome is Outcome.FAILED
    assert "1 migration(s) pending" in result.summary and "0003_job_length" in result.summary
    assert result.evidence[0].detail["response"]["status"] == 200


@pytest.fixture
def behind_database(pg_server: ProvidedPostgres) -> Any:
    """A real scratch database with every shipped migration but the last applied."""
    with scratch_database(pg_server.url, "checklist_behind") as url:
        migrate(url)
        last = available_migrations()[-1]
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("DELETE FROM schema_migrations WHERE version = %s", (last.version,))
        yield url, f"{last.version:04d}_{last.name}"


def test_pending_migration_in_the_database_turns_red(make_context: MakeContext, behind_database: Any) -> None:
    database_url, missing = behind_database
    up_to_date = {"status": "ok", "schema": {"applied": missing, "latest": missing, "pending": 0}}
    with serving(health_server(up_to_date)) as url:
        result = migrations_applied(make_context(Target(base_url=url, database_url=database_url)), {})
    assert result.outcome is Outcome.FAILED
    assert f"database: pending ['{missing}']" in result.summary
    assert result.evidence[1].detail["pending"] == [missing]


def test_no_pending_migration_passes(make_context: MakeContext, database_url: str) -> None:
    latest = available_migrations()[-1]
    schema = {"applied": latest.name, "latest": latest.name, "pending": 0}
    with serving(health_server({"status": "ok", "schema": schema})) as url:
        result = migrations_applied(make_context(Target(base_url=url, database_url=database_url)), {})
    assert result.outcome is Outcome.PASSED, result.summary
    assert "/health and the database" in result.summary


def test_migrations_unknowable_turns_red(make_context: MakeContext) -> None:
    with serving(health_server({"status": "ok"})) as url:
        result = migrations_applied(make_context(Target(base_url=url)), {})
    assert result.outcome is Outcome.FAILED
    assert "reports no schema state" in result.summary


@pytest.mark.parametrize(
    ("reported", "outcome"),
    [("0.1.0+gdeadbee", Outcome.FAILED), ("0.1.0+gabc1234", Outcome.PASSED), (None, Outcome.FAILED)],
)
def test_version_must_be_the_expected_one(
    make_context: MakeContext, reported: str | None, outcome: Outcome
) -> None:
    body = {"status": "ok", **({"version": reported} if reported else {})}
    with serving(health_server(body)) as url:
        result = deployed_version(make_context(Target(base_url=url), expect_version="0.1.0+gabc1234"), {})
    assert result.outcome is outcome, result.summary


def write_env(tmp_path: Path, text: str) -> Path:
    path = tmp_path / ".env"
    path.write_text(text)
    return path


ENV_PARAMS = {"mock_flag": "VITE_USE_MOCK_DATA", "api_url_keys": ["VITE_API_URL"]}


def test_env_file_with_mock_data_on_turns_red(make_context: MakeContext, tmp_path: Path) -> None:
    with serving(health_server({"status": "ok"})) as url:
        path = write_env(tmp_path, f"# front end\nVITE_API_URL={url}\nVITE_USE_MOCK_DATA=true\n")
        result = env_file(make_context(env_file=path), ENV_PARAMS)
    assert result.outcome is Outcome.FAILED
    assert f"VITE_USE_MOCK_DATA=true at {path}:3" in result.summary


def test_env_file_with_a_dead_api_url_turns_red(make_context: MakeContext, tmp_path: Path) -> None:
    path = write_env(tmp_path, 'VITE_USE_MOCK_DATA="false"\nexport VITE_API_URL=http://127.0.0.1:9\n')
    result = env_file(make_context(env_file=path), ENV_PARAMS)
    assert result.outcome is Outcome.FAILED
    assert "does not answer /health" in result.summary


def test_env_file_live_and_answering_passes(make_context: MakeContext, tmp_path: Path) -> None:
    with serving(health_server({"status": "ok"})) as url:
        path = write_env(tmp_path, f"VITE_USE_MOCK_DATA=false\nVITE_API_URL={url}/\n")
        result = env_file(make_context(env_file=path), ENV_PARAMS)
    assert result.outcome is Outcome.PASSED, result.summary


def test_no_env_file_is_skipped_with_the_reason(make_context: MakeContext) -> None:
    result = env_file(make_context(), ENV_PARAMS)
    assert result.outcome is Outcome.SKIPPED
    assert "no --env-file" in result.summary


@pytest.mark.parametrize(
    ("reported", "outcome"),
    [
        ("0.1.0+g{commit}", Outcome.PASSED),
        ("0.1.0+g{commit}.dirty", Outcome.PASSED),
        ("0.1.0+g0000000", Outcome.FAILED),
    ],
)
def test_version_defaults_to_this_checkouts_commit(
    make_context: MakeContext, reported: str, outcome: Outcome
) -> None:
    commit = checkout_commit(REPO_ROOT)
    assert commit, "the tests run from a git checkout"
    with serving(health_server({"status": "ok", "version": reported.format(commit=commit)})) as url:
        result = deployed_version(make_context(Target(base_url=url)), {})
    assert result.outcome is outcome, result.summary
