"""The preflight's checks, each against a small real HTTP server (or a real PostgreSQL) that
gets one thing wrong: every failure is one line naming the cause and the fix, and the admin
password is tried once whatever happens."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from harness.adapters import reference_paths as paths
from harness.adapters.reference_preflight import ROLES
from harness.exit_codes import CannotJudge
from harness.preflight import Needs, PreflightError, preflight, redact
from harness.target import Target
from reference_app.local.postgres_provider import ProvidedPostgres, scratch_database
from reference_app.local.stack import free_port
from tests.checklists.route_server import Answer, Request, RouteServer, serving

HEALTHY = {
    "status": "ok",
    "database": "ok",
    "version": "1.2.3",
    "schema": {"applied": "0004_x", "latest": "0004_x", "pending": 0},
}
WEEKDAY_HOURS = {day: [{"start": "09:00", "end": "17:00"}] for day in ("mon", "tue", "wed", "thu", "fri")}
ALL_DAY = {
    day: [{"start": "00:00", "end": "24:00"}] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}


def service(capacity: int = 1, confirm: bool = False, hours: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": "x",
        "name": "A service",
        "bookingSettings": {
            "maxBookingsPerSlot": capacity,
            "requireConfirmation": confirm,
            "workingHours": hours if hours is not None else WEEKDAY_HOURS,
        },
    }


SERVICES = {
    "s-standard": service(),
    "s-consultation": service(confirm=True),
    "s-workshop": service(capacity=3),
    "s-callout": service(capacity=2, hours=ALL_DAY),
}
ROLE_IDS = {
    "standard": "s-standard",
    "consultation": "s-consultation",
    "workshop": "s-workshop",
    "callout": "s-callout",
}


def booking_api(routes: RouteServer, *, password: str = "right") -> RouteServer:
    routes.route("GET", paths.HEALTH, Answer(200, HEALTHY))

    def one_service(request: Request) -> Answer:
        found = SERVICES.get(request.path.rsplit("/", 1)[-1])
        return Answer(200, found) if found else Answer(404, {"error": {"code": "not_found"}})

    def login(request: Request) -> Answer:
        if request.body.get("password") == password:
            return Answer(200, {"token": "tok"})
        return Answer(401, {"error": {"code": "invalid_credentials"}})

    routes.route("GET", f"{paths.SERVICES}/*", one_service)
    routes.route("POST", paths.SIGN_IN, login)
    return routes


@pytest.fixture
def api() -> Iterator[tuple[RouteServer, str]]:
    routes = booking_api(RouteServer())
    with serving(routes) as url:
        yield routes, url


def target(url: str, **fields: Any) -> Target:
    values: dict[str, Any] = {"admin_email": "a@example.com", "admin_password": "right", "services": ROLE_IDS}
    return Target(base_url=url, **{**values, **fields})


NO_NEEDS = Needs()


def failure(target: Target, needs: Needs = NO_NEEDS, timeout: float = 5.0) -> str:
    with pytest.raises(PreflightError) as raised:
        preflight(target, needs, timeout=timeout)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_a_booking_api_passes_and_signs_in_once(api: tuple[RouteServer, str]) -> None:
    routes, url = api
    result = preflight(target(url), Needs(roles=("standard",), admin=True, audit=True))
    assert result.version == "1.2.3" and result.admin_token == "tok"
    assert set(result.services) == set(ROLE_IDS)
    assert [r.path for r in routes.seen].count(paths.SIGN_IN) == 1
    assert "preflight ok" in result.line() and "signed in (once)" in result.line()
    assert isinstance(PreflightError("x"), CannotJudge)


def test_a_dead_port_is_connection_refused() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert failure(target(url)).startswith(f"connection refused at {url}")


def test_an_unknown_host_is_named() -> None:
    assert "cannot resolve the host 'no-such-host.invalid'" in failure(target("http://no-such-host.invalid"))


def test_a_server_that_never_answers_is_a_timeout() -> None:
    routes = RouteServer()
    routes.route("GET", paths.HEALTH, lambda request: (time.sleep(2), Answer(200, HEALTHY))[1])
    with serving(routes) as url:
        assert failure(target(url), timeout=0.3).startswith(f"no answer from {url} within 0.3 s")


def test_a_server_that_is_not_the_booking_api_is_named() -> None:
    routes = RouteServer()  # answers 404 with no body to everything
    with serving(routes) as url:
        message = failure(target(url))
    assert message.startswith(f"{url} answered but is not a booking API (GET /health gave")
    assert "404" in message


def test_a_health_answer_without_version_and_schema_is_not_understood() -> None:
    routes = RouteServer()
    routes.route("GET", paths.HEALTH, Answer(200, {"status": "ok"}))
    with serving(routes) as url:
        assert "is not a booking API (GET /health gave application/json 200)" in failure(target(url))


def test_an_unwell_booking_api_is_named() -> None:
    routes = booking_api(RouteServer())
    down = {**HEALTHY, "status": "unavailable", "database": "error: OperationalError"}
    routes.route("GET", paths.HEALTH, Answer(503, down))
    with serving(routes) as url:
        assert "is not well (GET /health 503: status 'unavailable'" in failure(target(url))


def test_every_server_url_is_checked(api: tuple[RouteServer, str]) -> None:
    _, url = api
    dead = f"http://127.0.0.1:{free_port()}"
    assert failure(target(url, urls=(url, dead))).startswith(f"connection refused at {dead}")


def test_an_unknown_service_id_is_named(api: tuple[RouteServer, str]) -> None:
    _, url = api
    message = failure(target(url, services={**ROLE_IDS, "standard": "s-nope"}))
    assert message.startswith(f"service 'standard' (s-nope) does not exist at {url}")
    assert "services.standard" in message


@pytest.mark.parametrize(
    ("role", "wrong"),
    [
        ("standard", "s-workshop"),
        ("consultation", "s-standard"),
        ("workshop", "s-standard"),
        ("callout", "s-standard"),
    ],
)
def test_a_service_named_for_the_wrong_role_is_named(
    api: tuple[RouteServer, str], role: str, wrong: str
) -> None:
    _, url = api
    message = failure(target(url, services={role: wrong}))
    assert f"service {role!r} ({wrong}" in message and f"({role}: {ROLES[role].meaning})" in message


def test_a_callout_must_cover_every_hour_of_every_day() -> None:
    fits = ROLES["callout"].fits
    assert fits(service(hours=ALL_DAY))
    split = {day: [{"start": "12:00", "end": "24:00"}, {"start": "00:00", "end": "12:00"}] for day in ALL_DAY}
    assert fits(service(hours=split))
    assert not fits(service(hours={**ALL_DAY, "sun": [{"start": "00:00", "end": "23:30"}]}))
    assert not fits(service(hours={k: v for k, v in ALL_DAY.items() if k != "sat"}))


def test_roles_the_run_needs_must_be_named(api: tuple[RouteServer, str]) -> None:
    _, url = api
    assert "needs the service role(s) ['workshop']" in failure(
        target(url, services={"standard": "s-standard"}), Needs(roles=("workshop",))
    )
    assert "at least one of the service roles" in failure(
        target(url, services={}), Needs(any_role_of=("standard",))
    )


def test_a_wrong_password_is_tried_once_and_named(api: tuple[RouteServer, str]) -> None:
    routes, url = api
    message = failure(target(url, admin_password="wrong"))
    assert message.startswith(f"admin sign-in refused for a@example.com at {url} (401 invalid_credentials)")
    assert "tried once" in message
    assert [r.path for r in routes.seen].count(paths.SIGN_IN) == 1


def test_a_locked_account_says_when_to_retry() -> None:
    routes = booking_api(RouteServer())
    routes.route(
        "POST", paths.SIGN_IN, Answer(429, {"error": {"code": "too_many_requests"}}, {"Retry-After": "640"})
    )
    with serving(routes) as url:
        message = failure(target(url))
    assert "is locked" in message and "retry after 640 s" in message and "admin account of its own" in message


def test_half_a_credential_and_a_needed_admin_are_named(api: tuple[RouteServer, str]) -> None:
    _, url = api
    assert "gives the admin email but no password" in failure(target(url, admin_password=None))
    assert "needs admin credentials" in failure(
        target(url, admin_email=None, admin_password=None), Needs(admin=True)
    )
    assert "databaseUrl" in failure(target(url, admin_email=None, admin_password=None), Needs(audit=True))


def test_the_audit_database_must_answer_and_hold_the_schema(
    api: tuple[RouteServer, str], pg_server: ProvidedPostgres, database_url: str
) -> None:
    _, url = api
    assert preflight(target(url, database_url=database_url)).database
    dead = f"postgresql://postgres:secret@127.0.0.1:{free_port()}/x"
    message = failure(target(url, database_url=dead))
    assert message.startswith("the audit cannot connect to databaseUrl postgresql://postgres:***@")
    assert "secret" not in message
    with scratch_database(pg_server.url, "booking_preflight_empty") as empty:
        assert "holds no booking schema" in failure(target(url, database_url=empty))


def test_redact_hides_only_the_password() -> None:
    assert redact("postgresql://u:pw@h:5432/db") == "postgresql://u:***@h:5432/db"
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"
