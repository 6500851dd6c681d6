"""A bounded schemathesis run against a live server process, driven by the schema it serves.

Every operation of /schema/openapi.json is exercised in three phases: the schema's examples,
a deterministic coverage pass (boundary values, missing and wrong-typed parameters, other
methods and content types) and derandomized fuzzing of valid and invalid data, with a fixed
number of examples per operation. The admin's bearer token is sent as a header, so the admin
routes are exercised past 401, and hooks mix known-good values into the generated ones (ids
that exist, date ranges and slot times the rules accept), so requests also get past 404 and
422 to the real work and its 2xx bodies. Each response is checked with:

- not_a_server_error: no 5xx, whatever the input;
- response_schema_conformance: the body matches the schema documented for its status;
- status_code_conformance: the status is one the operation documents. Every status the service
  can give to a request for a documented operation is documented (400/422 everywhere, 401 on
  admin routes, 404/409 where a lookup or a rule can refuse, 413 on every route that reads a
  body, 503 on /health). Not documented, on purpose or by necessity:
  * 500: it must never happen; not_a_server_error fails on it (and this check with it).
  * 405 for a method a path does not declare, and 404 for a path that does not exist: OpenAPI
    describes responses per declared operation, so there is no operation to attach them to
    (Litestar generates the schema from route handlers, and these have none). The coverage
    phase does send such probes (other methods, odd content types); schemathesis judges them by
    not_a_server_error only.

Bounded at about half a minute. A failing check makes case.call_and_validate raise;
schemathesis reports the operation as a failed subtest, and that fails the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from reference_app.local_stack import ServerProcess, start_server
from reference_app.seed import SeedResult, seed

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 40
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
Json = Any


@pytest.fixture(scope="module")
def live_server(database_url: str, log_dir: Path) -> Iterator[ServerProcess]:
    server = start_server(database_url, log_dir=log_dir)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def fuzz_tenant(database_url: str) -> SeedResult:
    return seed(database_url)


def _login(base_url: str, tenant: SeedResult) -> str:
    response = httpx.post(
        f"{base_url}/auth/login",
        json={"email": tenant.admin_email, "password": tenant.admin_password},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["token"]
    return token


@pytest.fixture(scope="module")
def admin_token(live_server: ServerProcess, fuzz_tenant: SeedResult) -> str:
    return _login(live_server.url, fuzz_tenant)


@dataclass(frozen=True)
class KnownData:
    """Values that exist or that the rules accept, to mix into the generated requests."""

    service_ids: list[str]  # the seeded services
    disposable_service_ids: list[str]  # what DELETE may remove, so the seeded ones stay
    job_ids: list[str]  # two scheduled (admin-made) jobs and a pending-confirmation booking
    day_ranges: list[tuple[str, str]]  # start/end query values the routes accept
    slots: list[str]  # start times three of the seeded services offer
    job_times: list[tuple[str, str]]  # valid (startTime, endTime) of admin jobs
    credentials: dict[str, str]


def _prepare_known_data(base_url: str, tenant: SeedResult, token: str) -> KnownData:
    today = datetime.now(UTC).date()  # the live server runs on the system clock
    day_ranges = [
        (today.isoformat(), (today + timedelta(days=6)).isoformat()),
        ((today + timedelta(days=1)).isoformat(), (today + timedelta(days=1)).isoformat()),
    ]
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=10) as http:

        def create(path: str, body: Json, key: str) -> str:
            response = http.post(path, json=body)
            assert response.status_code == 201, response.text
            return str(response.json()[key]["id"])

        def offered(service_key: str, days: int) -> list[str]:
            response = http.get(
                f"/services/{tenant.services[service_key]}/availability",
                params={"start": today.isoformat(), "end": (today + timedelta(days=days)).isoformat()},
            )
            assert response.status_code == 200, response.text
            return [slot["startTime"] for slot in response.json()["slots"]]

        disposable = [
            create("/admin/services", {"name": f"Disposable {n}", "durationMinutes": 30}, "service")
            for n in range(2)
        ]
        far = datetime.now(UTC).replace(microsecond=0) + timedelta(days=400)
        job_ids = [
            create(
                "/jobs",
                {
                    "title": "fuzz fixture",
                    "startTime": (far + timedelta(hours=h)).isoformat(),
                    "endTime": (far + timedelta(hours=h + 1)).isoformat(),
                },
                "job",
            )
            for h in (0, 3)
        ]
        job_ids.append(
            create(
                f"/services/{tenant.services['consultation']}/book",
                {
                    "startTime": offered("consultation", 29)[0],
                    "contact": {"name": "Fuzz", "email": "fuzz@example.com"},
                },
                "job",
            )
        )
        common = sorted(
            set(offered("standard", 13)) & set(offered("consultation", 13)) & set(offered("callout", 13))
        )
        assert common, "the seeded services share no bookable slot in the next two weeks"
    job_start = far + timedelta(days=30)
    return KnownData(
        service_ids=sorted(tenant.services.values()),
        disposable_service_ids=disposable,
        job_ids=job_ids,
        day_ranges=day_ranges,
        slots=common[:5],
        job_times=[
            ((job_start + timedelta(hours=h)).isoformat(), (job_start + timedelta(hours=h + 1)).isoformat())
            for h in range(3)
        ],
        credentials={"email": tenant.admin_email, "password": tenant.admin_password},
    )


def _register_hooks(schema: schemathesis.BaseSchema, known: KnownData) -> None:
    """Each hook keeps the generated value as one option and adds known-good ones beside it."""

    @schema.hook
    def flatmap_path_parameters(
        context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
    ) -> st.SearchStrategy[dict[str, Any] | None]:
        if not path_parameters:
            return st.just(path_parameters)
        assert context.operation is not None
        deleting = context.operation.method.upper() == "DELETE"
        pools = {
            "service_id": known.disposable_service_ids if deleting else known.service_ids,
            "job_id": known.job_ids,
        }
        options = [path_parameters]
        for name, values in pools.items():
            if name in path_parameters:
                options += [{**path_parameters, name: value} for value in values]
        return st.sampled_from(options)

    @schema.hook
    def flatmap_query(
        context: schemathesis.HookContext, query: dict[str, Any] | None
    ) -> st.SearchStrategy[dict[str, Any] | None]:
        if not isinstance(query, dict) or "start" not in query:
            return st.just(query)
        options = [{**query, "start": first, "end": last} for first, last in known.day_ranges]
        return st.sampled_from([query, *options])

    @schema.hook
    def flatmap_body(context: schemathesis.HookContext, body: Json) -> st.SearchStrategy[Json]:
        assert context.operation is not None
        if not isinstance(body, dict):
            return st.just(body)
        path = context.operation.path
        options: list[Json] = [body]
        if path == "/auth/login":
            options.append(known.credentials)
        elif path.endswith("/book") and "startTime" in body:
            options += [{**body, "startTime": slot} for slot in known.slots]
        elif path.startswith("/jobs") and "startTime" in body:
            options += [{**body, "startTime": first, "endTime": last} for first, last in known.job_times]
        return st.sampled_from(options)


@pytest.fixture(scope="module")
def api_schema(
    live_server: ServerProcess, fuzz_tenant: SeedResult, admin_token: str
) -> schemathesis.BaseSchema:
    schema_url = f"{live_server.url}/schema/openapi.json"
    config = schemathesis.Config.from_dict(
        {
            "headers": {"Authorization": f"Bearer {admin_token}"},
            "generation": {
                "mode": "all",  # positive and negative data
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                "examples": {"enabled": True},
                "fuzzing": {"enabled": True},
                "coverage": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )
    schema = schemathesis.openapi.from_url(schema_url, config=config)
    _register_hooks(schema, _prepare_known_data(live_server.url, fuzz_tenant, admin_token))
    return schema


@pytest.fixture(autouse=True)
def _schemathesis_nodeid_compat(request: pytest.FixtureRequest) -> None:
    # schemathesis 4.32's lazy schema reads `item._nodeid`, which pytest 9.2 replaced with a
    # structured id (`nodeid` stays public). Without this, every lazy test dies with an
    # AttributeError before the first request; the attribute is only used for labels.
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_openapi_conformance(
    case: schemathesis.Case, live_server: ServerProcess, fuzz_tenant: SeedResult
) -> None:
    headers = None
    if case.operation.label == "POST /auth/logout":
        # Logging out with the shared token would turn every later admin request into a 401.
        headers = {"Authorization": f"Bearer {_login(live_server.url, fuzz_tenant)}"}
    case.call_and_validate(headers=headers, checks=CHECKS)
