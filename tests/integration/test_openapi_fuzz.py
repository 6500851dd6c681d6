"""A bounded schemathesis run against a live server process, driven by the schema it serves,
with every check schemathesis has and the same judgement rules (schemathesis.toml) as an
independent `schemathesis run --checks all` from the repository root.

Every operation of /schema/openapi.json (routes added later included: the run reads the
served schema) is exercised in four phases: the schema's examples, a deterministic coverage
pass (boundary values, missing and wrong-typed parameters, methods the path does not declare,
odd content types), derandomized fuzzing of valid and invalid data, and a stateful phase that
follows the schema's links (a created job or service to the operations that act on it). The
admin's bearer token is sent as a header, so the admin routes are exercised past 401, and
hooks mix known-good values into the generated ones (ids that exist, date ranges and slot
times the rules accept), so requests also get past 404 and 422 to the real work.

Every response is judged by all of schemathesis's checks, among them: no 5xx; the status and
body are the ones documented (a 422 carries one of the codes the operation declares); valid
data is accepted (where the schema cannot state a rule, only with one of its declared codes:
see `refused_only_by_a_declared_rule`) and invalid data refused; a method the path lacks is a
405 with `Allow`, and OPTIONS lists exactly the documented methods; a missing token is a 401.

Logging out with the shared token would turn every later admin request into a 401, so each
`POST /auth/logout` carries a token signed in for that call alone.
"""

from __future__ import annotations

import itertools
import os
import random
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis.generation.meta import TestPhase

from reference_app.faults import fault_env
from reference_app.local.seed import SeedResult, seed
from reference_app.local.stack import ServerProcess, start_server
from tests.integration.openapi_rule_check import refused_only_by_a_declared_rule

pytestmark = [pytest.mark.slow, pytest.mark.processes]

MAX_EXAMPLES = 40
STATEFUL_EXAMPLES = 15
STATEFUL_STEPS = 8
LOGOUT = "POST /auth/logout"
FAULTS_VARIABLE = "BOOKING_FUZZ_FAULTS"
# A path regex: fuzz only the operations whose paths match (the teeth test's drift lives in
# one resource; fuzzing every other one again proves nothing there and costs minutes).
PATHS_VARIABLE = "BOOKING_FUZZ_PATHS"
# Comma-separated phases to run (default: all four), for the teeth test's narrower run.
PHASES_VARIABLE = "BOOKING_FUZZ_PHASES"
PHASES = ("examples", "fuzzing", "coverage", "stateful")
JUDGEMENT_FILE = Path(__file__).resolve().parents[2] / "schemathesis.toml"
Json = Any


def judgement_rules() -> dict[str, Any]:
    """schemathesis.toml, with logout enabled: the test signs in afresh for every logout."""
    rules = tomllib.loads(JUDGEMENT_FILE.read_text())
    rules["operations"] = [op for op in rules.get("operations", []) if op.get("include-name") != LOGOUT]
    return rules


@pytest.fixture(scope="module")
def server_env() -> dict[str, str]:
    """The server under test: the real one, or the broken variants BOOKING_FUZZ_FAULTS names
    (comma-separated), for the test proving this run catches a schema that drifted."""
    names = [name for name in os.environ.get(FAULTS_VARIABLE, "").split(",") if name]
    return fault_env(*names) if names else {}


@pytest.fixture(scope="module")
def live_server(database_url: str, log_dir: Path, server_env: dict[str, str]) -> Iterator[ServerProcess]:
    server = start_server(database_url, log_dir=log_dir, env=server_env or None)
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


def _known_choices(case: schemathesis.Case, known: KnownData) -> list[list[tuple[str, Any]]]:
    """Per part of the request, changes that get it past 404 and 422: real ids, accepted date
    ranges, offered slots, valid job times, the admin's credentials."""
    choices: list[list[tuple[str, Any]]] = []
    path, body = case.operation.path, case.body
    if case.path_parameters:
        deleting = case.method.upper() == "DELETE"
        pools = {
            "service_id": known.disposable_service_ids if deleting else known.service_ids,
            "job_id": known.job_ids,
        }
        for name, values in pools.items():
            if name in case.path_parameters:
                choices.append([("path_parameters", {**case.path_parameters, name: v}) for v in values])
    if isinstance(case.query, dict) and "start" in case.query:
        choices.append([("query", {**case.query, "start": a, "end": b}) for a, b in known.day_ranges])
    if isinstance(body, dict):
        if path == "/auth/login":
            choices.append([("body", known.credentials)])
        elif path.endswith("/book") and "startTime" in body:
            choices.append([("body", {**body, "startTime": slot}) for slot in known.slots])
        elif path.startswith("/jobs") and "startTime" in body:
            choices.append([("body", {**body, "startTime": a, "endTime": b}) for a, b in known.job_times])
    return choices


def _register_hooks(schema: schemathesis.BaseSchema, known: KnownData) -> None:
    """In valid generated cases of the fuzzing phase, each part of the request takes one of its
    known-good values or keeps the generated one, chosen by a generator seeded with the case's
    turn (so runs repeat). Invalid cases and the coverage phase's boundary values are left
    alone: replacing their values would send valid data labelled invalid."""
    turn = itertools.count()

    @schema.hook
    def map_case(context: schemathesis.HookContext, case: schemathesis.Case) -> schemathesis.Case:
        meta = case.meta
        if meta is None or meta.phase.name != TestPhase.FUZZING or not meta.generation.mode.is_positive:
            return case
        chooser = random.Random(next(turn))
        for options in _known_choices(case, known):
            picked = chooser.choice([None, *options])
            if picked is not None:
                setattr(case, *picked)
        return case


def enabled_phases() -> set[str]:
    named = {p.strip() for p in os.environ.get(PHASES_VARIABLE, "").split(",") if p.strip()}
    unknown = named - set(PHASES)
    if unknown:
        raise pytest.UsageError(f"{PHASES_VARIABLE} names unknown phases {sorted(unknown)}; known: {PHASES}")
    return named or set(PHASES)


@pytest.fixture(scope="module")
def api_schema(
    live_server: ServerProcess, fuzz_tenant: SeedResult, admin_token: str
) -> schemathesis.BaseSchema:
    schema_url = f"{live_server.url}/schema/openapi.json"
    config = schemathesis.Config.from_dict(
        {
            **judgement_rules(),
            "headers": {"Authorization": f"Bearer {admin_token}"},
            "checks": {"enabled": True},  # all of them, as `--checks all`
            "generation": {
                "mode": "all",  # positive and negative data
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                phase: {"enabled": phase in enabled_phases()}
                | ({"max-steps": STATEFUL_STEPS} if phase == "stateful" else {})
                for phase in PHASES
            },
        }
    )
    schema = schemathesis.openapi.from_url(schema_url, config=config)
    if only := os.environ.get(PATHS_VARIABLE):
        schema = schema.include(path_regex=only)
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


def _own_session(case: schemathesis.Case, base_url: str, tenant: SeedResult) -> dict[str, str] | None:
    """A logout's own token; None (the shared token) for every other operation."""
    if case.operation.label != LOGOUT:
        return None
    return {"Authorization": f"Bearer {_login(base_url, tenant)}"}


@schema.parametrize()
def test_openapi_conformance(
    case: schemathesis.Case, live_server: ServerProcess, fuzz_tenant: SeedResult
) -> None:
    headers = _own_session(case, live_server.url, fuzz_tenant)
    case.call_and_validate(headers=headers, additional_checks=[refused_only_by_a_declared_rule])


def test_openapi_stateful_conformance(
    api_schema: schemathesis.BaseSchema, live_server: ServerProcess, fuzz_tenant: SeedResult
) -> None:
    """Sequences that follow the schema's links: create a job or service, then act on it."""
    base = api_schema.as_state_machine()

    class LinkedCalls(base):  # type: ignore[valid-type, misc]
        def call(self, case: schemathesis.Case, **kwargs: Any) -> schemathesis.Response:
            headers = _own_session(case, live_server.url, fuzz_tenant)
            if headers is not None:
                kwargs["headers"] = {**kwargs.get("headers", {}), **headers}
            return case.call(**kwargs)

        def validate_response(
            self, response: schemathesis.Response, case: schemathesis.Case, **kwargs: Any
        ) -> None:
            kwargs.pop("additional_checks", None)
            super().validate_response(
                response, case, additional_checks=[refused_only_by_a_declared_rule], **kwargs
            )

    LinkedCalls.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )
