"""The served schema states the body rules the service enforces, so clients generated from it
send bodies the service accepts: closed objects, weekday keys."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

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
