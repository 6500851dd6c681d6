"""POST /services/{id}/book: statuses, every rule, capacity, contacts, idempotency."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from reference_app.clock import SettableClock
from reference_app.local.seed import SeedResult
from tests.integration.calls import book, count_rows, create_service, error_code


def test_instant_service_books_scheduled(client: TestClient[Any], tenant: SeedResult) -> None:
    response = book(client, tenant.services["standard"], "2030-01-10T10:00:00-05:00", notes="Gate")
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    assert job["status"] == "scheduled"
    assert job["startTime"] == "2030-01-10T15:00:00Z"
    assert job["endTime"] == "2030-01-10T16:00:00Z"
    assert job["serviceId"] == tenant.services["standard"]
    assert job["contact"]["email"] == "ada@example.com"
    assert job["notes"] == "Gate"
    assert job["source"] == "booking"


def test_confirmation_service_books_pending(client: TestClient[Any], tenant: SeedResult) -> None:
    response = book(client, tenant.services["consultation"], "2030-01-10T10:30:00-05:00")
    assert response.status_code == 201, response.text
    assert response.json()["job"]["status"] == "pending-confirmation"


@pytest.mark.parametrize(
    ("service", "start", "code"),
    [
        ("standard", "2030-01-09T09:00:00-05:00", "past_slot"),
        ("standard", "2030-01-09T10:00:00-05:00", "past_slot"),
        ("consultation", "2030-01-09T11:30:00-05:00", "under_minimum_notice"),
        ("consultation", "2030-01-09T16:00:00-05:00", "same_day_not_allowed"),
        ("consultation", "2030-02-11T10:00:00-05:00", "beyond_advance_window"),
        ("standard", "2030-01-10T08:00:00-05:00", "outside_working_hours"),
        ("standard", "2030-01-10T16:30:00-05:00", "outside_working_hours"),
        ("standard", "2030-01-12T10:00:00-05:00", "outside_working_hours"),
        ("standard", "2030-01-10T10:30:00-05:00", "not_on_slot_boundary"),
        ("standard", "2030-01-10T10:00:01-05:00", "not_on_slot_boundary"),
    ],
)
def test_rule_violations_are_422_with_their_code(
    client: TestClient[Any], tenant: SeedResult, database_url: str, service: str, start: str, code: str
) -> None:
    response = book(client, tenant.services[service], start)
    assert response.status_code == 422, response.text
    assert error_code(response) == code
    assert count_rows(database_url, "jobs", tenant.tenant_id) == 0
    assert count_rows(database_url, "contacts", tenant.tenant_id) == 0


def test_same_day_rule_uses_the_tenants_calendar_day(
    client: TestClient[Any], tenant: SeedResult, clock: SettableClock
) -> None:
    consultation = tenant.services["consultation"]
    # 23:00 EST Wednesday is already Thursday in UTC; Thursday 10:00 EST is not "today".
    clock.set(clock.now().replace(hour=4) + timedelta(days=1))  # 2030-01-10T04:00Z = 23:00 EST
    assert book(client, consultation, "2030-01-10T10:00:00-05:00").status_code == 201
    # Once local midnight has passed, Thursday is today and same-day booking is refused.
    clock.set(clock.now() + timedelta(hours=2))  # 01:00 EST Thursday
    response = book(client, consultation, "2030-01-10T15:00:00-05:00")
    assert error_code(response) == "same_day_not_allowed"


def test_full_slot_is_409_and_pending_jobs_count(
    client: TestClient[Any], tenant: SeedResult, database_url: str
) -> None:
    pending = book(client, tenant.services["consultation"], "2030-01-10T10:00:00-05:00")
    assert pending.json()["job"]["status"] == "pending-confirmation"
    response = book(client, tenant.services["standard"], "2030-01-10T10:00:00-05:00")
    assert response.status_code == 409
    assert error_code(response) == "slot_unavailable"
    assert count_rows(database_url, "jobs", tenant.tenant_id) == 1


def test_capacity_above_one(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    service = create_service(client, admin_headers, maxBookingsPerSlot=3)
    start = "2030-01-10T12:00:00Z"
    codes = [book(client, service["id"], start, email=f"c{i}@example.com").status_code for i in range(4)]
    assert codes == [201, 201, 201, 409]


def test_cancelled_job_frees_its_slot(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    standard = tenant.services["standard"]
    job = book(client, standard, "2030-01-10T10:00:00-05:00").json()["job"]
    assert book(client, standard, "2030-01-10T10:00:00-05:00").status_code == 409
    cancelled = client.post(
        f"/jobs/{job['id']}/cancel", json={"reason": "client called"}, headers=admin_headers
    )
    assert cancelled.status_code == 200
    assert book(client, standard, "2030-01-10T10:00:00-05:00").status_code == 201


def test_contact_is_upserted_case_insensitively(
    client: TestClient[Any], tenant: SeedResult, database_url: str
) -> None:
    first = book(client, tenant.services["callout"], "2030-01-10T10:00:00Z", email="Ann@Example.COM")
    second = book(
        client, tenant.services["callout"], "2030-01-11T10:00:00Z", email="ann@example.com", name="Ann B"
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["job"]["contact"]["id"] == second.json()["job"]["contact"]["id"]
    assert second.json()["job"]["contact"]["name"] == "Ann B"
    assert count_rows(database_url, "contacts", tenant.tenant_id) == 1


def test_idempotent_retry_returns_first_response(
    client: TestClient[Any], tenant: SeedResult, database_url: str
) -> None:
    headers = {"Idempotency-Key": "retry-123"}
    first = book(client, tenant.services["callout"], "2030-01-10T10:00:00Z", headers=headers)
    again = book(client, tenant.services["callout"], "2030-01-10T10:00:00Z", headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert count_rows(database_url, "jobs", tenant.tenant_id) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"start": "2030-01-10T11:00:00Z"},
        {"email": "someone-else@example.com"},
        {"name": "Another Client"},
        {"notes": "a different request"},
    ],
    ids=["start", "email", "name", "notes"],
)
def test_idempotency_key_with_another_body_is_422(
    client: TestClient[Any], tenant: SeedResult, database_url: str, change: dict[str, str]
) -> None:
    """Any field of the request that differs makes it another request: a replay of the first
    answer would tell this client it booked what someone else did."""
    headers = {"Idempotency-Key": "retry-456"}
    first = {"start": "2030-01-10T10:00:00Z", "email": "ada@example.com", "name": "Ada Client"}
    assert book(client, tenant.services["callout"], **first, headers=headers).status_code == 201
    other = book(client, tenant.services["callout"], **{**first, **change}, headers=headers)
    assert other.status_code == 422, other.text
    assert error_code(other) == "idempotency_key_reused"
    assert count_rows(database_url, "jobs", tenant.tenant_id) == 1


def test_idempotent_replay_survives_the_slot_passing(
    client: TestClient[Any], tenant: SeedResult, clock: SettableClock
) -> None:
    headers = {"Idempotency-Key": "late-retry"}
    first = book(client, tenant.services["callout"], "2030-01-09T16:00:00Z", headers=headers)
    clock.advance(timedelta(hours=3))
    again = book(client, tenant.services["callout"], "2030-01-09T16:00:00Z", headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()


def test_idempotency_keys_are_per_tenant(
    client: TestClient[Any], tenant: SeedResult, database_url: str
) -> None:
    from reference_app.local.seed import seed

    other = seed(database_url)
    headers = {"Idempotency-Key": "shared-key"}
    mine = book(client, tenant.services["callout"], "2030-01-10T10:00:00Z", headers=headers)
    theirs = book(client, other.services["callout"], "2030-01-10T10:00:00Z", headers=headers)
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["job"]["id"] != theirs.json()["job"]["id"]
