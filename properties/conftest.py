"""How the property machines reach the system: in-process by default (the reference app on the
session's PostgreSQL, clock under our control), or a live target with --target-url /
--target-file / HARNESS_* (see harness/target.py), where machines that need the clock skip.

Profiles: --hypothesis-profile=ci (default: bounded and derandomised) or thorough.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from litestar.testing import TestClient

from harness.adapters.reference_client import BookingApi
from harness.exit_codes import NOT_JUDGED, CannotJudge
from harness.preflight import preflight
from harness.target import Target, resolve_target
from properties.system import BookingSystem, TenantSession, live_sessions
from reference_app.app import create_app
from reference_app.clock import SettableClock
from reference_app.local.seed import seed
from reference_app.settings import Settings

# A Wednesday in northern winter, far from any DST change in the zones the machines use.
MACHINE_NOW = datetime(2030, 1, 9, 15, 0, tzinfo=UTC)

_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    "print_blob": True,
}
settings.register_profile("ci", max_examples=25, stateful_step_count=12, derandomize=True, **_COMMON)
settings.register_profile("thorough", max_examples=400, stateful_step_count=40, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("booking target")
    group.addoption("--target-url", help="run the property machines against this live service")
    group.addoption("--target-file", help="target description JSON (see harness/target.py)")


LIVE_TARGET = pytest.StashKey[Target | None]()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Live mode: the target is resolved and proven judgeable (harness/preflight.py) before any
    machine runs; a bad target file or an unreachable target ends the session with one line,
    exit code 2. The machines sign in as the admin: wrong credentials fail here, once."""
    config = session.config
    try:
        target = resolve_target(
            base_url=config.getoption("--target-url"), target_file=config.getoption("--target-file")
        )
        if target is not None:
            print("\n" + preflight(target).line())
    except CannotJudge as exc:
        pytest.exit(f"properties: {exc}", returncode=NOT_JUDGED)
    config.stash[LIVE_TARGET] = target


@pytest.fixture(scope="session")
def booking_system(request: pytest.FixtureRequest) -> Iterator[BookingSystem]:
    target = request.config.stash.get(LIVE_TARGET, None)
    if target is not None:
        if not target.has_admin:
            pytest.skip("the target gives no admin credentials; the machines need them")
        email, password = target.admin_email or "", target.admin_password or ""
        yield BookingSystem(
            open_session=live_sessions(target.base_url, email, password),
            clock=None,
            description=f"live target {target.base_url}",
        )
        return
    with in_process_system(request.getfixturevalue("database_url")) as system:
        yield system


@contextlib.contextmanager
def in_process_system(database_url: str, faults: frozenset[str] = frozenset()) -> Iterator[BookingSystem]:
    """The reference app in this process on `database_url`, its clock ours; `faults` switches on
    broken variants (reference_app/faults.py) for the teeth tests."""
    clock = SettableClock(MACHINE_NOW)
    app_settings = Settings(
        database_url=database_url,
        pool_min_size=1,
        pool_max_size=4,
        clock=clock,
        token_ttl_seconds=10 * 365 * 86400,  # the clock moves a day per example
        faults=faults,
    )
    tenant = seed(database_url)
    tz = ZoneInfo(tenant.time_zone)
    with TestClient(create_app(app_settings)) as client:
        api = BookingApi("http://testserver", client=client)
        assert api.login(tenant.admin_email, tenant.admin_password).status_code == 200
        examples = iter(range(10**6))

        def open_session() -> TenantSession:
            # Each example starts a day later, on a calendar day no other example touched.
            clock.set(MACHINE_NOW + timedelta(days=next(examples)))
            day = (clock.now().astimezone(tz) + timedelta(days=3)).date()
            return TenantSession(api, tz, day, tenant.tenant_id)

        zones: dict[str, TenantSession] = {}

        def tenant_in_zone(zone: str) -> TenantSession:
            if zone not in zones:
                other = seed(database_url, time_zone=zone)
                other_api = BookingApi("http://testserver", client=client)
                assert other_api.login(other.admin_email, other.admin_password).status_code == 200
                zones[zone] = TenantSession(other_api, ZoneInfo(zone), clock.now().date(), other.tenant_id)
            return zones[zone]

        yield BookingSystem(
            open_session=open_session,
            clock=clock,
            description="in-process app",
            tenant_in_zone=tenant_in_zone,
        )
