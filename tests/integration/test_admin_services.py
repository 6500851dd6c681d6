"""Services and booking settings CRUD."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from reference_app.local.seed import SeedResult
from tests.integration.calls import book, error_code


def test_crud_round_trip(client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]) -> None:
    listed = client.get("/admin/services", headers=admin_headers).json()["services"]
    assert sorted(s["id"] for s in listed) == sorted(tenant.services.values())

    created = client.post(
        "/admin/services",
        json={
            "name": "Gutter clean",
            "durationMinutes": 45,
            "bookingSettings": {
                "workingHours": {"tue": [{"start": "08:00", "end": "12:00"}]},
                "slotIntervalMinutes": 15,
                "requireConfirmation": True,
            },
        },
        headers=admin_headers,
    )
    assert created.status_code == 201, created.text
    service = created.json()["service"]
    assert service["bookingSettings"]["maxBookingsPerSlot"] == 1  # defaults filled in
    assert service["bookingSettings"]["slotIntervalMinutes"] == 15
    assert service["active"] is True

    fetched = client.get(f"/admin/services/{service['id']}", headers=admin_headers)
    assert fetched.json()["service"] == service

    patched = client.patch(
        f"/admin/services/{service['id']}",
        json={"name": "Gutter cleaning", "durationMinutes": 60},
        headers=admin_headers,
    )
    assert patched.status_code == 200
    assert patched.json()["service"]["name"] == "Gutter cleaning"
    assert patched.json()["service"]["bookingSettings"] == service["bookingSettings"]

    assert client.delete(f"/admin/services/{service['id']}", headers=admin_headers).status_code == 204
    gone = client.get(f"/admin/services/{service['id']}", headers=admin_headers)
    assert (gone.status_code, error_code(gone)) == (404, "service_not_found")
    again = client.delete(f"/admin/services/{service['id']}", headers=admin_headers)
    assert again.status_code == 404


def test_deleting_a_service_keeps_its_jobs(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    job = book(client, tenant.services["standard"], "2030-01-10T10:00:00-05:00").json()["job"]
    client.delete(f"/admin/services/{tenant.services['standard']}", headers=admin_headers)
    kept = client.get(f"/jobs/{job['id']}", headers=admin_headers).json()["job"]
    assert kept["serviceId"] is None
    assert kept["status"] == "scheduled"


def test_invalid_booking_settings_are_rejected(
    client: TestClient[Any], admin_headers: dict[str, str]
) -> None:
    # Working intervals that overlap or run backwards break a rule no schema states: its own code.
    hours_rule, schema = "invalid_working_hours", "validation_error"
    bad_settings = [
        (
            {
                "workingHours": {
                    "mon": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]
                }
            },
            hours_rule,
        ),
        ({"workingHours": {"mon": [{"start": "12:00", "end": "09:00"}]}}, hours_rule),
        ({"workingHours": {"mon": [{"start": "9:00", "end": "12:00"}]}}, schema),
        ({"workingHours": {"funday": [{"start": "09:00", "end": "12:00"}]}}, schema),
        ({"maxBookingsPerSlot": 0}, schema),
        ({"slotIntervalMinutes": 0}, schema),
        ({"advanceBookingDays": -1}, schema),
        ({"sameDayBooking": "yes"}, schema),
        ({"colour": "red"}, schema),
    ]
    for settings, code in bad_settings:
        response = client.post(
            "/admin/services",
            json={"name": "Bad", "durationMinutes": 30, "bookingSettings": settings},
            headers=admin_headers,
        )
        assert response.status_code == 422, (settings, response.text)
        assert error_code(response) == code, settings
