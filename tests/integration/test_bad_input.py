"""Hostile and malformed input to every write endpoint, and to the two range queries.

Each rejected request must answer 4xx (never 5xx) with the error shape
{"error": {"code": <str>, "message": <str>, ...}}, with the specific status and code where the
API defines one, and must leave the tenant's rows exactly as they were: the tenant's jobs,
contacts, services, idempotency keys and job history are counted and fingerprinted (every
column) before and after.

SQL and HTML metacharacters are not bad input: they are accepted and stored verbatim.

The rejection tests share one app, tenant and fixture jobs per module (they write nothing, and
the before/after comparison proves it); the acceptance tests use the per-test fixtures.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import psycopg
import pytest
from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.clock import SettableClock
from reference_app.local.seed import SeedResult, seed
from reference_app.settings import Settings
from tests.integration.calls import book, create_job

NOW = datetime(2030, 1, 9, 15, 0, tzinfo=UTC)  # the clock of the conftest `client`
MAX_BODY = Settings().max_body_bytes
Json = Any
FieldPath = tuple[str | int, ...]


# --- the shared app, tenant and rows -------------------------------------------------------


@dataclass(frozen=True)
class Env:
    client: TestClient[Any]
    tenant: SeedResult
    headers: dict[str, str]
    job_id: str  # a scheduled admin job (PATCH target)
    pending_id: str  # a pending-confirmation booking (decline target)


def login(client: TestClient[Any], tenant: SeedResult) -> dict[str, str]:
    response = client.post(
        "/auth/login", json={"email": tenant.admin_email, "password": tenant.admin_password}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def build_env(client: TestClient[Any], tenant: SeedResult, headers: dict[str, str]) -> Env:
    job = create_job(client, headers, "2030-01-15T10:00:00-05:00", "2030-01-15T11:00:00-05:00")
    assert job.status_code == 201, job.text
    pending = book(client, tenant.services["consultation"], "2030-01-10T11:00:00-05:00")
    assert pending.status_code == 201, pending.text
    assert pending.json()["job"]["status"] == "pending-confirmation"
    return Env(client, tenant, headers, job.json()["job"]["id"], pending.json()["job"]["id"])


@pytest.fixture(scope="module")
def env(database_url: str) -> Iterator[Env]:
    settings = Settings(database_url=database_url, pool_min_size=1, pool_max_size=4, clock=SettableClock(NOW))
    with TestClient(create_app(settings)) as client:
        tenant = seed(database_url)
        yield build_env(client, tenant, login(client, tenant))


@pytest.fixture(scope="module")
def db(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        yield conn


_STATE_QUERIES = {
    table: f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
    f"FROM {table} t WHERE t.tenant_id = %(tenant)s"
    for table in ("jobs", "contacts", "services", "idempotency_keys")
} | {
    "job_status_history": "SELECT count(*), md5(coalesce(string_agg(h::text, '|' ORDER BY h.id), '')) "
    "FROM job_status_history h JOIN jobs j ON j.id = h.job_id WHERE j.tenant_id = %(tenant)s"
}


def tenant_state(db: psycopg.Connection[Any], tenant_id: str) -> dict[str, tuple[int, str]]:
    """Row count and a fingerprint of every column, per table, for one tenant."""
    state = {}
    for table, sql in _STATE_QUERIES.items():
        row = db.execute(sql, {"tenant": tenant_id}).fetchone()  # type: ignore[arg-type]
        assert row is not None
        state[table] = (int(row[0]), str(row[1]))
    return state


def assert_error_shape(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error, dict) and {"code", "message"} <= set(error) <= {"code", "message", "details"}
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str), error
    return error


def assert_rejected(
    env: Env,
    db: psycopg.Connection[Any],
    send: Callable[[], httpx.Response],
    status: int | None,
    code: str | None,
) -> httpx.Response:
    """Send once; a 4xx with the error shape (and `status`/`code` when given), nothing written."""
    before = tenant_state(db, env.tenant.tenant_id)
    response = send()
    after = tenant_state(db, env.tenant.tenant_id)
    assert 400 <= response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    error = assert_error_shape(response)
    if status is not None:
        assert response.status_code == status, response.text[:500]
    if code is not None:
        assert error["code"] == code, response.text[:500]
    assert after == before, "a rejected request changed the tenant's rows"
    return response


# --- the endpoints under test ---------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    url: Callable[[Env], str]
    body: Callable[[Env], Json]  # a body the endpoint accepts (see test_the_base_bodies_are_accepted)
    admin: bool
    strings: dict[FieldPath, int | None]  # string fields -> max length (None: a formatted value)
    required: tuple[FieldPath, ...] = ()

    def __str__(self) -> str:
        return self.name


CONTACT = {"name": "Ada Client", "email": "ada@example.com", "phone": "+1 (555) 010-0100"}
SETTINGS_BODY = {
    "workingHours": {"tue": [{"start": "08:00", "end": "12:00"}]},
    "slotIntervalMinutes": 15,
    "sameDayBooking": True,
    "advanceBookingDays": 30,
    "minimumNoticeMinutes": 60,
    "maxBookingsPerSlot": 2,
    "requireConfirmation": False,
}
CONTACT_STRINGS: dict[FieldPath, int | None] = {
    ("contact", "name"): 200,
    ("contact", "email"): 254,
    ("contact", "phone"): 40,
}
WALL_TIMES: dict[FieldPath, int | None] = {
    ("bookingSettings", "workingHours", "tue", 0, "start"): None,
    ("bookingSettings", "workingHours", "tue", 0, "end"): None,
}

BOOK = Endpoint(
    "book",
    "POST",
    lambda env: f"/services/{env.tenant.services['callout']}/book",
    lambda env: {"startTime": "2030-01-10T10:00:00-05:00", "contact": dict(CONTACT), "notes": "Gate 4"},
    admin=False,
    strings={("startTime",): None, **CONTACT_STRINGS, ("notes",): 2000},
    required=(("startTime",), ("contact",), ("contact", "name"), ("contact", "email")),
)
LOGIN = Endpoint(
    "login",
    "POST",
    lambda env: "/auth/login",
    lambda env: {"email": env.tenant.admin_email, "password": env.tenant.admin_password},
    admin=False,
    strings={("email",): 254, ("password",): 200},
    required=(("email",), ("password",)),
)
CREATE_JOB = Endpoint(
    "create_job",
    "POST",
    lambda env: "/jobs",
    lambda env: {
        "title": "Fix the boiler",
        "startTime": "2030-01-20T10:00:00-05:00",
        "endTime": "2030-01-20T11:00:00-05:00",
        "serviceId": env.tenant.services["standard"],
        "contact": dict(CONTACT),
        "notes": "Side door",
    },
    admin=True,
    strings={
        ("title",): 200,
        ("startTime",): None,
        ("endTime",): None,
        ("serviceId",): None,
        **CONTACT_STRINGS,
        ("notes",): 2000,
    },
    required=(("title",), ("startTime",), ("contact", "name"), ("contact", "email")),
)
PATCH_JOB = Endpoint(
    "patch_job",
    "PATCH",
    lambda env: f"/jobs/{env.job_id}",
    lambda env: {
        "title": "Fix the boiler (moved)",
        "startTime": "2030-01-21T10:00:00-05:00",
        "endTime": "2030-01-21T11:00:00-05:00",
        "notes": "Back door",
    },
    admin=True,
    strings={("title",): 200, ("startTime",): None, ("endTime",): None, ("notes",): 2000},
)
DECLINE_JOB = Endpoint(
    "decline_job",
    "POST",
    lambda env: f"/jobs/{env.pending_id}/decline",
    lambda env: {"reason": "Fully booked that morning"},
    admin=True,
    strings={("reason",): 2000},
    required=(("reason",),),
)
CREATE_SERVICE = Endpoint(
    "create_service",
    "POST",
    lambda env: "/admin/services",
    lambda env: {
        "name": "Gutter clean",
        "durationMinutes": 45,
        "description": "Two storeys",
        "active": True,
        "bookingSettings": copy.deepcopy(SETTINGS_BODY),
    },
    admin=True,
    strings={("name",): 200, ("description",): 2000, **WALL_TIMES},
    required=(
        ("name",),
        ("durationMinutes",),
        ("bookingSettings", "workingHours", "tue", 0, "start"),
        ("bookingSettings", "workingHours", "tue", 0, "end"),
    ),
)
PATCH_SERVICE = Endpoint(
    "patch_service",
    "PATCH",
    lambda env: f"/admin/services/{env.tenant.services['workshop']}",
    lambda env: {
        "name": "Group workshop (renamed)",
        "durationMinutes": 60,
        "description": "Bring gloves",
        "active": True,
        "bookingSettings": copy.deepcopy(SETTINGS_BODY),
    },
    admin=True,
    strings={("name",): 200, ("description",): 2000, **WALL_TIMES},
    required=(
        ("bookingSettings", "workingHours", "tue", 0, "start"),
        ("bookingSettings", "workingHours", "tue", 0, "end"),
    ),
)
ENDPOINTS = [BOOK, LOGIN, CREATE_JOB, PATCH_JOB, DECLINE_JOB, CREATE_SERVICE, PATCH_SERVICE]


def with_value(body: Json, path: FieldPath, value: Json) -> Json:
    changed = copy.deepcopy(body)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


def without(body: Json, path: FieldPath) -> Json:
    changed = copy.deepcopy(body)
    target = changed
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return changed


def send(
    env: Env,
    endpoint: Endpoint,
    *,
    json_body: Json = None,
    content: bytes | Iterator[bytes] | None = None,
    content_type: str | None = "application/json",
    url: str | None = None,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> httpx.Response:
    """The request as the endpoint expects it (URL, admin token), with this body."""
    all_headers = {**(env.headers if endpoint.admin else {}), **(headers or {})}
    if content is None and "data" not in kwargs and "files" not in kwargs:
        content = json.dumps(json_body).encode()
    if content_type is not None and content is not None:
        all_headers.setdefault("content-type", content_type)
    return env.client.request(
        endpoint.method, url or endpoint.url(env), content=content, headers=all_headers, **kwargs
    )


def field_id(path: FieldPath) -> str:
    return ".".join(str(part) for part in path)


def cases(
    build: Callable[[Endpoint], list[tuple[str, Any]]], endpoints: list[Endpoint] = ENDPOINTS
) -> list[Any]:
    return [
        pytest.param(endpoint, *args, id=f"{endpoint}-{label}")
        for endpoint in endpoints
        for label, args in build(endpoint)
    ]


# --- sanity: the bodies being mutated are themselves accepted -------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_the_base_bodies_are_accepted(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str], endpoint: Endpoint
) -> None:
    """Every rejection below comes from the one thing each case changes, not from its base."""
    fresh = build_env(client, tenant, admin_headers)
    response = send(fresh, endpoint, json_body=endpoint.body(fresh))
    assert response.status_code in {200, 201}, response.text


# --- malformed bodies, wrong content types, wrong shapes ------------------------------------

MALFORMED_BODIES: list[tuple[str, bytes]] = [
    ("whitespace-only", b"  \n"),
    ("unclosed", b'{"startTime": "2030-01-10T10:00:00Z"'),
    ("bare-words", b"{not json}"),
    ("missing-value", b'{"title": }'),
    ("trailing-comma", b'{"title": "x",}'),
    ("single-quotes", b"{'title': 'x'}"),
    ("two-documents", b'{"title": "x"}{"title": "y"}'),
    ("nan", b'{"durationMinutes": NaN}'),
    ("lone-surrogate", b'{"title": "\\ud800"}'),
    ("not-utf8", b'{"title": "caf\xe9"}'),
    ("utf8-bom", b'\xef\xbb\xbf{"title": "x"}'),
    ("nul-byte", b'{"title": "x"}\x00'),
    ("deeply-nested", b"[" * 20_000 + b"]" * 20_000),  # under the size limit
]


@pytest.mark.parametrize(("endpoint", "raw"), cases(lambda e: [(n, (b,)) for n, b in MALFORMED_BODIES]))
def test_malformed_json_is_400(env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, raw: bytes) -> None:
    assert_rejected(env, db, lambda: send(env, endpoint, content=raw), 400, "malformed_json")


@pytest.mark.parametrize(
    ("endpoint", "raw"),
    cases(lambda e: [("empty", (b"",)), ("null", (b"null",))]),
)
def test_a_missing_body_is_422(env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, raw: bytes) -> None:
    assert_rejected(env, db, lambda: send(env, endpoint, content=raw), 422, "validation_error")


@pytest.mark.parametrize(
    ("endpoint", "value"),
    cases(lambda e: [(n, (v,)) for n, v in [("array", []), ("string", "x"), ("number", 1), ("true", True)]]),
)
def test_a_body_that_is_not_an_object_is_422(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, value: Json
) -> None:
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=value), 422, "validation_error")


def _wrong_content_types(endpoint: Endpoint) -> list[tuple[str, Any]]:
    return [
        ("form-urlencoded", ({"data": {"title": "x", "email": "a@b.io"}, "content_type": None},)),
        ("multipart", ({"files": {"title": ("title.txt", b"x", "text/plain")}, "content_type": None},)),
        ("xml", ({"content": b"<job><title>x</title></job>", "content_type": "application/xml"},)),
        ("text", ({"content": b"title=x", "content_type": "text/plain"},)),
    ]


@pytest.mark.parametrize(("endpoint", "request_kwargs"), cases(_wrong_content_types))
def test_a_body_in_another_format_is_400(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, request_kwargs: dict[str, Any]
) -> None:
    # A JSON body is read as JSON whatever its Content-Type (the service is lenient there), so
    # these send bodies that really are in another format.
    assert_rejected(env, db, lambda: send(env, endpoint, **request_kwargs), 400, "malformed_json")


# --- the body size limit --------------------------------------------------------------------


def _padded_to(size: int, body: Json) -> bytes:
    """`body` plus a padding field, serialised to exactly `size` bytes."""
    empty = json.dumps({**body, "pad": ""}).encode()
    raw = json.dumps({**body, "pad": "x" * (size - len(empty))}).encode()
    assert len(raw) == size
    return raw


def _chunks(total: int) -> Iterator[bytes]:
    """A body sent chunked, with no Content-Length for the server to check up front."""
    yield b'{"notes": "'
    sent = 11
    while sent < total:
        piece = min(8192, total - sent)
        yield b"x" * piece
        sent += piece
    yield b'"}'


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
@pytest.mark.parametrize("shape", ["json", "garbage", "chunked"])
def test_a_body_over_the_size_limit_is_413(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, shape: str
) -> None:
    content: bytes | Iterator[bytes]
    if shape == "json":  # a valid body, padded
        content = _padded_to(MAX_BODY + 1, endpoint.body(env))
    elif shape == "garbage":
        content = b"\xff" * (MAX_BODY + 1)
    else:
        content = _chunks(MAX_BODY + 1)
    assert_rejected(env, db, lambda: send(env, endpoint, content=content), 413, "payload_too_large")


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_a_body_at_the_size_limit_is_read(env: Env, db: psycopg.Connection[Any], endpoint: Endpoint) -> None:
    # Exactly max_body_bytes is allowed through to validation, which rejects the unknown field.
    raw = _padded_to(MAX_BODY, endpoint.body(env))
    assert_rejected(env, db, lambda: send(env, endpoint, content=raw), 422, "validation_error")


# --- fields: unknown, missing, wrong types ---------------------------------------------------


def _unknown_fields(endpoint: Endpoint) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = [
        ("extra", ({"extra": 1},)),
        ("snake-case", ({"start_time": "2030-01-10T10:00:00Z"},)),
        ("nul-in-key", ({"title\x00": "x"},)),
    ]
    if endpoint in (PATCH_JOB, CREATE_JOB):  # fields the server owns must not be settable
        found += [
            (f"server-owned-{key}", ({key: value},))
            for key, value in [
                ("status", "completed"),
                ("source", "booking"),
                ("tenantId", "00000000-0000-0000-0000-000000000000"),
                ("id", "00000000-0000-0000-0000-000000000000"),
            ]
        ]
    return found


@pytest.mark.parametrize(("endpoint", "extra"), cases(_unknown_fields))
def test_unknown_fields_are_422(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, extra: dict[str, Any]
) -> None:
    body = {**endpoint.body(env), **extra}
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body), 422, "validation_error")


NESTED_UNKNOWN: list[tuple[Endpoint, FieldPath]] = [
    (BOOK, ("contact", "extra")),
    (CREATE_JOB, ("contact", "extra")),
    (CREATE_SERVICE, ("bookingSettings", "extra")),
    (CREATE_SERVICE, ("bookingSettings", "workingHours", "tue", 0, "extra")),
    (PATCH_SERVICE, ("bookingSettings", "extra")),
]


@pytest.mark.parametrize(
    ("endpoint", "path"), [pytest.param(e, p, id=f"{e}-{field_id(p)}") for e, p in NESTED_UNKNOWN]
)
def test_unknown_nested_fields_are_422(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, path: FieldPath
) -> None:
    body = with_value(endpoint.body(env), path, 1)
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body), 422, "validation_error")


@pytest.mark.parametrize(
    ("endpoint", "path"), cases(lambda e: [(field_id(p), (p,)) for p in e.required], ENDPOINTS)
)
def test_missing_required_fields_are_422(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, path: FieldPath
) -> None:
    body = without(endpoint.body(env), path)
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body), 422, "validation_error")


def _wrong_types(endpoint: Endpoint) -> list[tuple[str, Any]]:
    # Bodies are decoded strictly: no value of another JSON type is coerced, not even one a
    # lenient decoder would take ("30" for 30, "true" or 1 for true, a number for a time).
    not_strings = [("int", 7), ("bool", True), ("array", ["x"]), ("object", {"x": 1})]
    found = [
        (f"{field_id(path)}-{label}", (path, value))
        for path in endpoint.strings
        for label, value in not_strings
    ]
    if endpoint in (CREATE_SERVICE, PATCH_SERVICE):
        for path in [
            ("durationMinutes",),
            ("bookingSettings", "slotIntervalMinutes"),
            ("bookingSettings", "maxBookingsPerSlot"),
        ]:
            found += [
                (f"{field_id(path)}-{n}", (path, v))
                for n, v in [("word", "thirty"), ("numeric-string", "30"), ("array", [30])]
            ]
        for path in [("active",), ("bookingSettings", "requireConfirmation")]:
            found += [
                (f"{field_id(path)}-{n}", (path, v))
                for n, v in [("word", "maybe"), ("number", 2), ("string-true", "true"), ("one", 1)]
            ]
        found += [
            ("bookingSettings-array", (("bookingSettings",), [])),
            ("workingHours-array", (("bookingSettings", "workingHours"), [])),
            ("workingHours-day-object", (("bookingSettings", "workingHours", "tue"), {})),
            ("interval-string", (("bookingSettings", "workingHours", "tue", 0), "08:00-12:00")),
        ]
    if endpoint in (BOOK, CREATE_JOB):
        found += [("contact-string", (("contact",), "Ada")), ("contact-array", (("contact",), []))]
    if endpoint.required:  # null where a value is required
        found += [(f"{field_id(path)}-null", (path, None)) for path in endpoint.required]
    return found


@pytest.mark.parametrize(("endpoint", "path", "value"), cases(_wrong_types))
def test_wrong_types_are_422(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, path: FieldPath, value: Json
) -> None:
    body = with_value(endpoint.body(env), path, value)
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body), 422, "validation_error")


@pytest.mark.parametrize(
    ("endpoint", "path", "value"),
    [
        pytest.param(CREATE_SERVICE, ("durationMinutes",), 4, id="duration-below-5"),
        pytest.param(CREATE_SERVICE, ("durationMinutes",), 1441, id="duration-over-a-day"),
        pytest.param(CREATE_SERVICE, ("durationMinutes",), 10**30, id="duration-huge"),
        pytest.param(CREATE_SERVICE, ("durationMinutes",), -30, id="duration-negative"),
        pytest.param(PATCH_SERVICE, ("bookingSettings", "maxBookingsPerSlot"), 0, id="capacity-zero"),
        pytest.param(PATCH_SERVICE, ("bookingSettings", "advanceBookingDays"), 731, id="advance-too-far"),
        pytest.param(
            CREATE_SERVICE,
            ("bookingSettings", "workingHours", "tue"),
            [{"start": "24:00", "end": "24:00"}],
            id="interval-starts-at-24",
        ),
        pytest.param(
            CREATE_SERVICE,
            ("bookingSettings", "workingHours", "tue"),
            [{"start": f"{h:02}:00", "end": f"{h:02}:30"} for h in range(9)],
            id="too-many-intervals",
        ),
        pytest.param(
            CREATE_SERVICE, ("bookingSettings", "workingHours", "tuesday"), [], id="unknown-weekday"
        ),
        pytest.param(
            CREATE_SERVICE, ("bookingSettings", "workingHours", "tue", 0, "start"), "8:00", id="wall-h:mm"
        ),
        pytest.param(
            CREATE_SERVICE, ("bookingSettings", "workingHours", "tue", 0, "start"), "08:60", id="wall-08:60"
        ),
        pytest.param(
            CREATE_SERVICE,
            ("bookingSettings", "workingHours", "tue", 0, "start"),
            "08:00\n",
            id="wall-newline",
        ),
        pytest.param(BOOK, ("contact", "phone"), "call me", id="phone-words"),
        pytest.param(BOOK, ("contact", "phone"), "+1 555 0100\n", id="phone-newline"),
        pytest.param(BOOK, ("contact", "phone"), "12", id="phone-too-short"),
        pytest.param(BOOK, ("contact", "name"), " \t\n", id="name-blank"),
        pytest.param(CREATE_JOB, ("title",), "\u00a0\u2003", id="title-unicode-blank"),
        pytest.param(DECLINE_JOB, ("reason",), "", id="reason-empty"),
        pytest.param(LOGIN, ("password",), "", id="password-empty"),
    ],
)
def test_values_out_of_bounds_are_422(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, path: FieldPath, value: Json
) -> None:
    body = with_value(endpoint.body(env), path, value)
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body), 422, "validation_error")


# --- strings: NUL characters, lengths, emails -----------------------------------------------

NUL_VARIANTS = [("nul", "\x00"), ("nul-last", "A\x00"), ("nul-inside", "Ab\x00cd"), ("nul-first", "\x00A")]


@pytest.mark.parametrize(
    ("endpoint", "path", "value"),
    cases(lambda e: [(f"{field_id(p)}-{n}", (p, v)) for p in e.strings for n, v in NUL_VARIANTS]),
)
def test_nul_in_any_string_field_is_422(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, path: FieldPath, value: str
) -> None:
    # PostgreSQL text cannot hold NUL; it must be refused at the edge, not crash the insert.
    body = with_value(endpoint.body(env), path, value)
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body), 422, "validation_error")


def _too_long(path: FieldPath, limit: int | None) -> list[tuple[str, str]]:
    huge = "x" * 60_000  # far over every limit, still under the body size limit
    if limit is None:
        return [("huge", huge)]
    if path[-1] == "email":
        return [("over-limit", "a" * (limit - len("@example.com") + 1) + "@example.com"), ("huge", huge)]
    if path[-1] == "phone":
        return [("over-limit", "1" * (limit + 1)), ("huge", "1" * 60_000)]
    return [("over-limit", "x" * (limit + 1)), ("huge", huge)]


@pytest.mark.parametrize(
    ("endpoint", "path", "value"),
    cases(
        lambda e: [
            (f"{field_id(p)}-{n}", (p, v)) for p, limit in e.strings.items() for n, v in _too_long(p, limit)
        ]
    ),
)
def test_too_long_strings_are_422(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, path: FieldPath, value: str
) -> None:
    body = with_value(endpoint.body(env), path, value)
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body), 422, "validation_error")


BAD_EMAILS = [
    "",
    "ab",
    "plainaddress",
    "@example.com",
    "ada@",
    "ada@example",
    "ada@@example.com",
    "ada@exa@mple.com",
    "ada lovelace@example.com",
    "ada@example..com",
    "ada@.example.com",
    "ada@example.com.",
    " ada@example.com",
    "ada@example.com ",
    "ada@example.com\n",
    "ada@example.com\r\nBcc: eve@example.com",
]
EMAIL_FIELDS: list[tuple[Endpoint, FieldPath]] = [
    (BOOK, ("contact", "email")),
    (LOGIN, ("email",)),
    (CREATE_JOB, ("contact", "email")),
]


@pytest.mark.parametrize(
    ("endpoint", "path", "email"),
    [pytest.param(e, p, m, id=f"{e}-{m!r}") for e, p in EMAIL_FIELDS for m in BAD_EMAILS],
)
def test_invalid_email_addresses_are_422(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, path: FieldPath, email: str
) -> None:
    body = with_value(endpoint.body(env), path, email)
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body), 422, "validation_error")


# --- dates and times ------------------------------------------------------------------------

UNPARSEABLE_TIMES = [
    "2030-01-10T10:00:00",  # naive: no offset
    "2030-01-10 10:00",
    "soon",
    "",
    "2030-01-10",
    "10:00:00Z",
    "2030-13-01T10:00:00Z",
    "2030-02-30T10:00:00Z",
    "2030-01-10T24:00:00Z",
    "2030-01-10T10:60:00Z",
    "2030-06-30T23:59:60Z",
    "2030-01-10T10:00:00+24:00",
    "0000-01-01T00:00:00Z",
    "+002030-01-10T10:00:00Z",
    "2030-01-10T10:00:00Z\n",
]
OUT_OF_RANGE_TIMES = [
    "9999-12-31T23:00:00Z",
    "9999-12-31T23:30:00-05:00",  # beyond datetime.max once in UTC
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+05:00",  # before datetime.min once in UTC
    "1970-12-31T23:59:59Z",
    "2200-01-01T00:00:00Z",
]
TIME_FIELDS: list[tuple[Endpoint, FieldPath]] = [
    (BOOK, ("startTime",)),
    (CREATE_JOB, ("startTime",)),
    (CREATE_JOB, ("endTime",)),
    (PATCH_JOB, ("startTime",)),
    (PATCH_JOB, ("endTime",)),
]


def _time_cases(values: list[str]) -> list[Any]:
    return [pytest.param(e, p, v, id=f"{e}-{field_id(p)}-{v!r}") for e, p in TIME_FIELDS for v in values]


@pytest.mark.parametrize(("endpoint", "path", "value"), _time_cases(UNPARSEABLE_TIMES))
def test_unparseable_or_naive_times_are_422(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, path: FieldPath, value: str
) -> None:
    body = with_value(endpoint.body(env), path, value)
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body), 422, "validation_error")


@pytest.mark.parametrize(("endpoint", "path", "value"), _time_cases(OUT_OF_RANGE_TIMES))
def test_times_outside_the_supported_years_are_422(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, path: FieldPath, value: str
) -> None:
    body = with_value(endpoint.body(env), path, value)
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body), 422, "time_out_of_range")


@pytest.mark.parametrize(
    "start", ["9999-12-31T23:50:00Z", "9999-12-31T23:50:00-05:00", "0001-01-01T00:00:00+14:00"]
)
def test_an_extreme_start_is_422_before_any_arithmetic(
    env: Env, db: psycopg.Connection[Any], start: str
) -> None:
    """The end is derived from the start (service duration, or the job's length) only once the
    start is known to be in range: 9999-12-31T23:50Z + 30 minutes does not exist."""
    with_service = without(with_value(CREATE_JOB.body(env), ("startTime",), start), ("endTime",))
    assert_rejected(env, db, lambda: send(env, CREATE_JOB, json_body=with_service), 422, "time_out_of_range")
    move = {"startTime": start}
    assert_rejected(env, db, lambda: send(env, PATCH_JOB, json_body=move), 422, "time_out_of_range")


@pytest.mark.parametrize(
    ("endpoint", "changes", "code"),
    [
        pytest.param(
            CREATE_JOB, {"endTime": "2030-01-20T09:00:00-05:00"}, "invalid_interval", id="end-first"
        ),
        pytest.param(CREATE_JOB, {"endTime": "2030-01-20T10:00:00-05:00"}, "invalid_interval", id="empty"),
        pytest.param(
            CREATE_JOB, {"endTime": "2030-01-27T10:00:01-05:00"}, "invalid_interval", id="over-7-days"
        ),
        pytest.param(CREATE_JOB, {"serviceId": None, "endTime": None}, "end_time_required", id="no-end"),
        pytest.param(PATCH_JOB, {"endTime": "2030-01-21T09:00:00-05:00"}, "invalid_interval", id="end-first"),
        pytest.param(
            PATCH_JOB, {"endTime": "2030-02-21T09:00:00-05:00"}, "invalid_interval", id="over-7-days"
        ),
        # Rules between fields no schema states: declared as their own code, not validation_error.
        pytest.param(
            CREATE_SERVICE,
            {"bookingSettings": {"workingHours": {"tue": [{"start": "12:00", "end": "08:00"}]}}},
            "invalid_working_hours",
            id="interval-backwards",
        ),
        pytest.param(
            CREATE_SERVICE,
            {"bookingSettings": {"workingHours": {"tue": [{"start": "08:00", "end": "12:00"}] * 2}}},
            "invalid_working_hours",
            id="intervals-overlap",
        ),
        pytest.param(BOOK, {"startTime": "2030-01-08T10:00:00-05:00"}, "past_slot", id="past"),
        pytest.param(BOOK, {"startTime": "2030-01-10T10:10:00-05:00"}, "not_on_slot_boundary", id="off-slot"),
    ],
)
def test_impossible_intervals_are_422_with_their_code(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, changes: dict[str, Any], code: str
) -> None:
    body = {**endpoint.body(env), **changes}
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body), 422, code)


# --- path and header parameters -------------------------------------------------------------

MALFORMED_IDS = [
    "not-a-uuid",
    "12345",
    "00000000-0000-0000-0000-00000000000g",
    "00000000-0000-0000-0000-0000000000000",
    quote("1' OR '1'='1", safe=""),
    "%00",
    quote("<script>", safe=""),
]
ID_ENDPOINTS: list[tuple[Endpoint, Callable[[str], str], str]] = [
    (BOOK, lambda i: f"/services/{i}/book", "service_not_found"),
    (PATCH_JOB, lambda i: f"/jobs/{i}", "job_not_found"),
    (DECLINE_JOB, lambda i: f"/jobs/{i}/decline", "job_not_found"),
    (PATCH_SERVICE, lambda i: f"/admin/services/{i}", "service_not_found"),
]


@pytest.mark.parametrize(
    ("endpoint", "url", "raw_id"),
    [pytest.param(e, u, i, id=f"{e}-{i}") for e, u, _ in ID_ENDPOINTS for i in MALFORMED_IDS],
)
def test_malformed_ids_in_paths_are_404(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, url: Callable[[str], str], raw_id: str
) -> None:
    body = endpoint.body(env)
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body, url=url(raw_id)), 404, "not_found")


@pytest.mark.parametrize(
    ("endpoint", "url", "code"), [pytest.param(e, u, c, id=str(e)) for e, u, c in ID_ENDPOINTS]
)
def test_unknown_ids_in_paths_are_404_with_their_code(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, url: Callable[[str], str], code: str
) -> None:
    body = endpoint.body(env)
    unknown = url("00000000-0000-4000-8000-000000000000")
    assert_rejected(env, db, lambda: send(env, endpoint, json_body=body, url=unknown), 404, code)


@pytest.mark.parametrize("key", ["", "k" * 201, "has space", "tab\there", 'quote"d\x7f'])
def test_bad_idempotency_keys_are_422(env: Env, db: psycopg.Connection[Any], key: str) -> None:
    body = BOOK.body(env)
    headers = {"Idempotency-Key": key}
    assert_rejected(
        env, db, lambda: send(env, BOOK, json_body=body, headers=headers), 422, "validation_error"
    )


def test_unknown_service_in_a_job_is_404(env: Env, db: psycopg.Connection[Any]) -> None:
    body = with_value(CREATE_JOB.body(env), ("serviceId",), "00000000-0000-4000-8000-000000000000")
    assert_rejected(env, db, lambda: send(env, CREATE_JOB, json_body=body), 404, "service_not_found")


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.admin], ids=str)
@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(None, id="none"),
        pytest.param("Bearer", id="no-token"),
        pytest.param("Bearer    ", id="blank-token"),
        pytest.param("Basic YWRtaW46YWRtaW4=", id="basic"),
        pytest.param("Bearer ' OR '1'='1", id="sql"),
        pytest.param("Bearer " + "x" * 4000, id="huge"),
    ],
)
def test_bad_bearer_tokens_are_401(
    env: Env, db: psycopg.Connection[Any], endpoint: Endpoint, authorization: str | None
) -> None:
    body = endpoint.body(env)
    anonymous = Env(env.client, env.tenant, {}, env.job_id, env.pending_id)
    headers = {} if authorization is None else {"Authorization": authorization}
    assert_rejected(
        env, db, lambda: send(anonymous, endpoint, json_body=body, headers=headers), 401, "unauthorized"
    )


# --- query parameters of the two range reads ------------------------------------------------

RANGE_CASES: list[tuple[str, dict[str, str], int, str]] = [
    ("month-13", {"start": "2030-13-01", "end": "2030-13-02"}, 422, "invalid_date"),
    ("feb-30", {"start": "2030-02-30", "end": "2030-03-01"}, 422, "invalid_date"),
    ("year-0000", {"start": "0000-01-01", "end": "0000-01-02"}, 422, "invalid_date"),
    ("trailing-newline", {"start": "2030-01-10\n", "end": "2030-01-11"}, 422, "invalid_date"),
    ("no-dashes", {"start": "20300110", "end": "2030-01-11"}, 422, "validation_error"),
    ("short-month", {"start": "2030-1-10", "end": "2030-01-11"}, 422, "validation_error"),
    ("word", {"start": "today", "end": "2030-01-11"}, 422, "validation_error"),
    ("datetime", {"start": "2030-01-10T00:00:00Z", "end": "2030-01-11"}, 422, "validation_error"),
    ("empty", {"start": "", "end": "2030-01-11"}, 422, "validation_error"),
    ("nul", {"start": "2030-01-10\x00", "end": "2030-01-11"}, 422, "validation_error"),
    ("sql", {"start": "2030-01-10' OR '1'='1", "end": "2030-01-11"}, 422, "validation_error"),
    ("no-start", {"end": "2030-01-11"}, 422, "validation_error"),
    ("no-end", {"start": "2030-01-10"}, 422, "validation_error"),
    ("end-before-start", {"start": "2030-01-11", "end": "2030-01-10"}, 422, "invalid_range"),
    ("year-0001", {"start": "0001-01-01", "end": "0001-01-02"}, 422, "time_out_of_range"),
    ("year-9999", {"start": "9999-12-31", "end": "9999-12-31"}, 422, "time_out_of_range"),
    ("year-1970", {"start": "1970-12-31", "end": "1971-01-01"}, 422, "time_out_of_range"),
    ("year-2200", {"start": "2199-12-31", "end": "2200-01-01"}, 422, "time_out_of_range"),
]
RANGE_READS: list[tuple[str, int]] = [("availability", 62), ("jobs", 366)]  # longest range, days


def _range_url(env: Env, read: str) -> tuple[str, dict[str, str]]:
    if read == "availability":
        return f"/services/{env.tenant.services['callout']}/availability", {}
    return "/jobs", env.headers


@pytest.mark.parametrize("read", [r for r, _ in RANGE_READS])
@pytest.mark.parametrize(
    ("params", "status", "code"), [pytest.param(p, s, c, id=n) for n, p, s, c in RANGE_CASES]
)
def test_bad_ranges_are_422(
    env: Env, db: psycopg.Connection[Any], read: str, params: dict[str, str], status: int, code: str
) -> None:
    url, headers = _range_url(env, read)
    assert_rejected(env, db, lambda: env.client.get(url, params=params, headers=headers), status, code)


@pytest.mark.parametrize(("read", "days"), RANGE_READS)
def test_a_range_one_day_too_long_is_422(env: Env, db: psycopg.Connection[Any], read: str, days: int) -> None:
    url, headers = _range_url(env, read)
    first = date(2030, 1, 1)
    longest = {"start": first.isoformat(), "end": (first + timedelta(days=days - 1)).isoformat()}
    assert env.client.get(url, params=longest, headers=headers).status_code == 200
    one_more = {**longest, "end": (first + timedelta(days=days)).isoformat()}
    assert_rejected(
        env, db, lambda: env.client.get(url, params=one_more, headers=headers), 422, "range_too_large"
    )


@pytest.mark.parametrize(
    ("status", "code"),
    [
        pytest.param("bogus", "invalid_status", id="unknown"),
        pytest.param("scheduled,bogus", "invalid_status", id="one-unknown"),
        pytest.param("SCHEDULED", "invalid_status", id="wrong-case"),
        pytest.param("scheduled\x00", "invalid_status", id="nul"),
        pytest.param("scheduled';--", "invalid_status", id="sql"),
        pytest.param("x" * 201, "validation_error", id="too-long"),
    ],
)
def test_unknown_job_statuses_are_422(env: Env, db: psycopg.Connection[Any], status: str, code: str) -> None:
    params = {"start": "2030-01-01", "end": "2030-01-31", "status": status}
    assert_rejected(env, db, lambda: env.client.get("/jobs", params=params, headers=env.headers), 422, code)


# --- SQL and HTML metacharacters are data -----------------------------------------------------

VERBATIM = [
    "Robert'); DROP TABLE jobs;--",
    "<script>alert(1)</script>",
    "'; DELETE FROM contacts WHERE ''='",
    "1' OR '1'='1",
    '<img src=x onerror="alert(1)">',
    "100% _done_ \\ C:\\temp\\%_",
    "{{7*7}} ${7*7} $1 %s",
    "Zoë Ørsted 😀 עברית",
]


@pytest.mark.parametrize("text", VERBATIM)
def test_metacharacters_are_accepted_and_stored_verbatim(
    client: TestClient[Any],
    tenant: SeedResult,
    admin_headers: dict[str, str],
    database_url: str,
    text: str,
) -> None:
    fresh = build_env(client, tenant, admin_headers)
    email = "meta@example.com"

    booked = client.post(
        f"/services/{tenant.services['callout']}/book",
        json={
            "startTime": "2030-01-10T10:00:00-05:00",
            "contact": {"name": text, "email": email},
            "notes": text,
        },
    )
    assert booked.status_code == 201, booked.text
    assert booked.headers["content-type"].startswith("application/json")
    job = booked.json()["job"]
    assert job["contact"]["name"] == text
    assert job["notes"] == text
    assert job["title"] == f"Emergency call-out (24/7): {text}"

    created = client.post(
        "/jobs",
        json={
            "title": text,
            "startTime": "2030-01-20T10:00:00-05:00",
            "endTime": "2030-01-20T11:00:00-05:00",
            "contact": {"name": text, "email": "other@example.com"},
            "notes": text,
        },
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["job"]["title"] == text

    patched = client.patch(
        f"/jobs/{fresh.job_id}", json={"title": text, "notes": text}, headers=admin_headers
    )
    assert patched.status_code == 200, patched.text
    declined = client.post(f"/jobs/{fresh.pending_id}/decline", json={"reason": text}, headers=admin_headers)
    assert declined.status_code == 200, declined.text
    assert declined.json()["job"]["declineReason"] == text

    service = client.post(
        "/admin/services",
        json={"name": text, "description": text, "durationMinutes": 30},
        headers=admin_headers,
    )
    assert service.status_code == 201, service.text
    assert service.json()["service"]["name"] == text

    fetched = client.get(f"/jobs/{job['id']}", headers=admin_headers).json()["job"]
    assert (fetched["contact"]["name"], fetched["notes"]) == (text, text)
    with psycopg.connect(database_url) as conn:
        stored = conn.execute(
            """
            SELECT
                (SELECT name FROM contacts WHERE tenant_id = %(t)s AND email = %(email)s),
                (SELECT notes FROM jobs WHERE id = %(booked)s),
                (SELECT title FROM jobs WHERE id = %(created)s),
                (SELECT title || notes FROM jobs WHERE id = %(patched)s),
                (SELECT decline_reason FROM jobs WHERE id = %(declined)s),
                (SELECT reason FROM job_status_history
                 WHERE job_id = %(declined)s AND to_status = 'cancelled'),
                (SELECT name || description FROM services WHERE id = %(service)s),
                (SELECT count(*) FROM jobs WHERE tenant_id = %(t)s)
            """,
            {
                "t": tenant.tenant_id,
                "email": email,
                "booked": job["id"],
                "created": created.json()["job"]["id"],
                "patched": fresh.job_id,
                "declined": fresh.pending_id,
                "service": service.json()["service"]["id"],
            },
        ).fetchone()
    # The jobs table is still there, with the fixture jobs plus the two new ones.
    assert stored == (text, text, text, text + text, text, text, text + text, 4)


def test_longest_allowed_strings_are_accepted_verbatim(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    name, notes = "N" * 199 + "é", "x" * 1999 + "\n"
    booked = client.post(
        f"/services/{tenant.services['callout']}/book",
        json={
            "startTime": "2030-01-10T10:00:00-05:00",
            "contact": {"name": name, "email": "a" * 242 + "@example.com", "phone": "1" * 40},
            "notes": notes,
        },
    )
    assert booked.status_code == 201, booked.text
    job = booked.json()["job"]
    assert (job["contact"]["name"], job["notes"], len(job["contact"]["email"])) == (name, notes, 254)
    assert len(job["title"]) == 200  # "<service name>: <name>", cut to the column's 200
    fresh = build_env(client, tenant, admin_headers)
    declined = client.post(
        f"/jobs/{fresh.pending_id}/decline", json={"reason": "r" * 2000}, headers=admin_headers
    )
    assert declined.status_code == 200, declined.text
