"""GET /services/{id} and its availability, computed in the tenant's zone."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from litestar.testing import TestClient

from reference_app.local.seed import SeedResult
from tests.integration.calls import book, create_service, error_code


def test_public_service_info(client: TestClient[Any], tenant: SeedResult) -> None:
    response = client.get(f"/services/{tenant.services['consultation']}")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Consultation (needs confirmation)"
    assert body["durationMinutes"] == 30
    assert body["timeZone"] == "America/New_York"
    assert body["businessName"] == tenant.tenant_name
    assert body["bookingSettings"]["requireConfirmation"] is True
    assert body["bookingSettings"]["sameDayBooking"] is False


def test_unknown_service_is_404(client: TestClient[Any]) -> None:
    response = client.get(f"/services/{uuid4()}")
    assert response.status_code == 404
    assert error_code(response) == "service_not_found"


def test_inactive_service_is_404_everywhere(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    service_id = tenant.services["standard"]
    patched = client.patch(f"/admin/services/{service_id}", json={"active": False}, headers=admin_headers)
    assert patched.status_code == 200
    assert client.get(f"/services/{service_id}").status_code == 404
    availability = client.get(
        f"/services/{service_id}/availability", params={"start": "2030-01-10", "end": "2030-01-10"}
    )
    assert availability.status_code == 404
    booked = book(client, service_id, "2030-01-10T10:00:00-05:00")
    assert booked.status_code == 404
    assert error_code(booked) == "service_not_found"


def _slots(client: TestClient[Any], service_id: str, start: str, end: str) -> list[dict[str, Any]]:
    response = client.get(f"/services/{service_id}/availability", params={"start": start, "end": end})
    assert response.status_code == 200, response.text
    return list(response.json()["slots"])


def test_availability_on_a_working_day(client: TestClient[Any], tenant: SeedResult) -> None:
    # Thursday 2030-01-10, 09:00-17:00 EST, 60-minute slots.
    slots = _slots(client, tenant.services["standard"], "2030-01-10", "2030-01-10")
    assert [s["startTime"] for s in slots] == [f"2030-01-10T{h}:00:00Z" for h in range(14, 22)]
    assert slots[0]["endTime"] == "2030-01-10T15:00:00Z"
    assert {s["remaining"] for s in slots} == {1}


def test_availability_today_omits_past_slots(client: TestClient[Any], tenant: SeedResult) -> None:
    # The clock says Wednesday 10:00 EST: the 10:00 slot starts now, so it is past.
    slots = _slots(client, tenant.services["standard"], "2030-01-09", "2030-01-09")
    assert [s["startTime"][11:16] for s in slots] == [f"{h}:00" for h in range(16, 22)]


def test_availability_applies_same_day_and_window(client: TestClient[Any], tenant: SeedResult) -> None:
    consultation = tenant.services["consultation"]  # no same-day, 30-day window
    assert _slots(client, consultation, "2030-01-09", "2030-01-09") == []
    assert len(_slots(client, consultation, "2030-01-10", "2030-01-10")) == 16
    assert len(_slots(client, consultation, "2030-02-08", "2030-02-08")) == 16
    assert _slots(client, consultation, "2030-02-11", "2030-02-11") == []
    weekend = _slots(client, consultation, "2030-01-12", "2030-01-13")
    assert weekend == []


def test_remaining_counts_every_service_of_the_tenant(client: TestClient[Any], tenant: SeedResult) -> None:
    assert book(client, tenant.services["standard"], "2030-01-10T10:00:00-05:00").status_code == 201
    standard = _slots(client, tenant.services["standard"], "2030-01-10", "2030-01-10")
    by_start = {s["startTime"]: s["remaining"] for s in standard}
    assert by_start["2030-01-10T15:00:00Z"] == 0
    assert by_start["2030-01-10T16:00:00Z"] == 1
    # The 24/7 call-out (capacity 2) shares the calendar: its 10:00 and 10:30 slots lose one.
    callout = _slots(client, tenant.services["callout"], "2030-01-10", "2030-01-10")
    remaining = {s["startTime"]: s["remaining"] for s in callout}
    assert remaining["2030-01-10T14:30:00Z"] == 2
    assert remaining["2030-01-10T15:00:00Z"] == 1
    assert remaining["2030-01-10T15:30:00Z"] == 1
    assert remaining["2030-01-10T16:00:00Z"] == 2


def test_availability_across_spring_forward(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    service = create_service(
        client,
        admin_headers,
        durationMinutes=60,
        slotIntervalMinutes=60,
        advanceBookingDays=120,
        workingHours={"sun": [{"start": "00:00", "end": "05:00"}]},
    )
    # 2030-03-10: New York skips 02:00-03:00, so the 02:00 slot does not exist.
    slots = _slots(client, service["id"], "2030-03-10", "2030-03-10")
    assert [s["startTime"] for s in slots] == [
        "2030-03-10T05:00:00Z",
        "2030-03-10T06:00:00Z",
        "2030-03-10T07:00:00Z",
        "2030-03-10T08:00:00Z",
    ]
    assert slots[1]["endTime"] == "2030-03-10T07:00:00Z"


def test_availability_range_limits(client: TestClient[Any], tenant: SeedResult) -> None:
    service_id = tenant.services["standard"]
    cases = {
        ("2030-01-10", "2030-01-09"): "invalid_range",
        ("2030-01-01", "2030-03-15"): "range_too_large",
        ("2030-02-30", "2030-03-01"): "invalid_date",
    }
    for (start, end), code in cases.items():
        response = client.get(f"/services/{service_id}/availability", params={"start": start, "end": end})
        assert response.status_code == 422, (start, end)
        assert error_code(response) == code
    assert client.get(f"/services/{service_id}/availability").status_code in {400, 422}
