"""The served schema states the rules the service enforces, so clients generated from it send
requests the service accepts: closed objects, weekday keys, patterns both regex dialects read
alike, full dates, the rule between a job's fields, rule codes per 422, links; and every 405
and OPTIONS names the path's methods."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from reference_app.http.openapi_rules import RULE_CODES
from reference_app.scheduling.booking_settings import WEEKDAYS

REQUEST_BODIES = {
    "BookRequest",
    "ContactIn",
    "CreateJob",
    "UpdateJob",
    "ReasonIn",
    "CreateService",
    "UpdateService",
    "BookingSettings",
    "WorkingInterval",
    "LoginRequest",
}


def test_request_bodies_are_closed_and_responses_are_not(client: TestClient[Any]) -> None:
    schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]
    closed = {name for name, schema in schemas.items() if schema.get("additionalProperties") is False}
    assert closed == REQUEST_BODIES


def test_working_hours_are_keyed_by_weekday(client: TestClient[Any]) -> None:
    schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]
    hours = schemas["BookingSettings"]["properties"]["workingHours"]
    assert hours["propertyNames"]["enum"] == list(WEEKDAYS)


def test_an_unknown_field_the_schema_forbids_is_refused(client: TestClient[Any], tenant: Any) -> None:
    body = {
        "startTime": "2030-01-10T15:00:00Z",
        "contact": {"name": "Ada", "email": "ada@example.com"},
        "x": 1,
    }
    response = client.post(f"/services/{tenant.services['standard']}/book", json=body)
    assert response.status_code == 422


# --- 405, Allow and OPTIONS -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/admin/services", "GET, OPTIONS, POST"),
        ("/jobs", "GET, OPTIONS, POST"),
        ("/auth/logout", "OPTIONS, POST"),
    ],
)
def test_a_method_the_path_lacks_is_405_with_allow(client: TestClient[Any], path: str, methods: str) -> None:
    response = client.request("TRACE", path)
    assert response.status_code == 405
    assert sorted(m.strip() for m in response.headers["allow"].split(",")) == methods.split(", ")
    assert response.json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        # Litestar's own answer named only the first handler's method here (OPTIONS, POST).
        ("/admin/services", "GET, OPTIONS, POST"),
        ("/admin/services/00000000-0000-4000-8000-000000000000", "DELETE, GET, OPTIONS, PATCH"),
        ("/jobs/00000000-0000-4000-8000-000000000000", "GET, OPTIONS, PATCH"),
    ],
)
def test_options_lists_every_method_of_the_path(client: TestClient[Any], path: str, methods: str) -> None:
    response = client.options(path)
    assert response.status_code == 204
    assert response.headers["allow"] == methods


# --- what the schema states matches what the server does -------------------------------------


def test_an_integral_number_is_an_integer_but_a_string_or_bool_is_not(
    client: TestClient[Any], admin_headers: dict[str, str]
) -> None:
    made = client.post(
        "/admin/services", json={"name": "Float", "durationMinutes": 45.0}, headers=admin_headers
    )
    assert made.status_code == 201, made.text
    assert made.json()["service"]["durationMinutes"] == 45
    for wrong in (45.5, "45", True):
        refused = client.post(
            "/admin/services", json={"name": "F", "durationMinutes": wrong}, headers=admin_headers
        )
        assert (refused.status_code, refused.json()["error"]["code"]) == (422, "validation_error"), wrong


@pytest.mark.parametrize("space", ["\x1c", "\x1f", "\x85", "\u2028", "\u3000"])
def test_the_schema_pattern_and_the_server_agree_on_unusual_spaces(
    client: TestClient[Any], tenant: Any, space: str
) -> None:
    schemas = client.get("/schema/openapi.json").json()["components"]["schemas"]
    pattern = schemas["ContactIn"]["properties"]["email"]["pattern"]
    assert "\\s" not in pattern  # \s means different sets in Python's re and ECMA-262
    email = f"a{space}b@example.com"
    assert re.search(pattern, email) is None
    body = {"startTime": "2030-01-10T15:00:00Z", "contact": {"name": "Ada", "email": email}}
    response = client.post(f"/services/{tenant.services['standard']}/book", json=body)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_error")


def test_the_date_pattern_accepts_exactly_the_dates_the_server_accepts(client: TestClient[Any]) -> None:
    schema = client.get("/schema/openapi.json").json()
    [start] = [p for p in schema["paths"]["/jobs"]["get"]["parameters"] if p["name"] == "start"]
    pattern = re.compile(start["schema"]["pattern"])
    for text in ("0000-00-00", "2030-02-29", "2100-02-29", "2030-04-31", "1970-12-31", "2200-01-01"):
        assert pattern.search(text) is None, text
    for text in ("2028-02-29", "2000-02-29", "1971-01-01", "2199-12-31", "2030-12-31"):
        assert pattern.search(text), text
        assert date.fromisoformat(text)


def test_a_job_needs_an_end_or_a_service_and_the_schema_says_so(client: TestClient[Any]) -> None:
    create_job = client.get("/schema/openapi.json").json()["components"]["schemas"]["CreateJob"]
    assert [sorted(option["required"]) for option in create_job["anyOf"]] == [["endTime"], ["serviceId"]]


def test_an_empty_working_interval_is_refused_with_its_declared_rule_code(
    client: TestClient[Any], admin_headers: dict[str, str]
) -> None:
    hours = {"mon": [{"start": "09:00", "end": "09:00"}]}
    body = {"name": "Empty", "durationMinutes": 30, "bookingSettings": {"workingHours": hours}}
    response = client.post("/admin/services", json=body, headers=admin_headers)
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_working_hours")
    declared = client.get("/schema/openapi.json").json()["paths"]["/admin/services"]["post"]["responses"][
        "422"
    ]
    codes = declared["content"]["application/json"]["schema"]["properties"]["error"]["properties"]["code"][
        "enum"
    ]
    assert codes == ["validation_error", "invalid_working_hours"]


def test_every_declared_rule_operation_exists_and_the_judgement_file_allows_exactly_those(
    client: TestClient[Any],
) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    for method, path in RULE_CODES:
        assert method.lower() in paths[path], (method, path)
    rules = tomllib.loads((Path(__file__).resolve().parents[2] / "schemathesis.toml").read_text())
    [allowing] = [op for op in rules["operations"] if "checks" in op]
    assert sorted(allowing["include-name"]) == sorted(f"{m} {p}" for m, p in RULE_CODES)


def test_created_jobs_and_services_link_to_the_operations_on_them(client: TestClient[Any]) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    job_links = paths["/jobs"]["post"]["responses"]["201"]["links"]
    assert {link["parameters"]["job_id"] for link in job_links.values()} == {"$response.body#/job/id"}
    assert {"JobsJobIdShow", "JobsJobIdUpdate", "JobsJobIdCancelCancel"} <= set(job_links)
    service_links = paths["/admin/services"]["post"]["responses"]["201"]["links"]
    assert {"ServicesServiceIdBookBook", "AdminServicesServiceIdUpdate"} <= set(service_links)
