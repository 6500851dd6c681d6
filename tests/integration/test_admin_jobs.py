"""Admin jobs: list by local days, create with conflict listing, edit and reschedule."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from litestar.testing import TestClient

from reference_app.local.seed import SeedResult
from tests.integration.calls import book, count_rows, create_job, create_service, error_code


def _list(client: TestClient[Any], headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    response = client.get("/jobs", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["jobs"])


def test_list_uses_inclusive_local_days(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    # 23:30 EST Thursday is 04:30 UTC Friday: it belongs to Thursday's list.
    late = create_job(client, admin_headers, "2030-01-10T23:30:00-05:00", "2030-01-10T23:50:00-05:00")
    assert late.status_code == 201, late.text
    job_id = late.json()["job"]["id"]
    assert [j["id"] for j in _list(client, admin_headers, start="2030-01-10", end="2030-01-10")] == [job_id]
    assert _list(client, admin_headers, start="2030-01-11", end="2030-01-11") == []
    assert len(_list(client, admin_headers, start="2030-01-09", end="2030-01-11")) == 1


def test_list_filters_by_status(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    book(client, tenant.services["consultation"], "2030-01-10T10:00:00-05:00")
    create_job(client, admin_headers, "2030-01-10T13:00:00-05:00", "2030-01-10T14:00:00-05:00")
    day = {"start": "2030-01-10", "end": "2030-01-10"}
    pending = _list(client, admin_headers, status="pending-confirmation", **day)
    assert [j["status"] for j in pending] == ["pending-confirmation"]
    both = _list(client, admin_headers, status="pending-confirmation,scheduled", **day)
    assert len(both) == 2
    bad = client.get("/jobs", params={"status": "done", **day}, headers=admin_headers)
    assert bad.status_code == 422
    assert error_code(bad) == "invalid_status"


def test_create_conflict_lists_the_overlapping_jobs(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str], database_url: str
) -> None:
    first = create_job(
        client, admin_headers, "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z", title="Boiler repair"
    )
    assert first.status_code == 201
    assert first.json()["job"]["status"] == "scheduled"
    clash = create_job(client, admin_headers, "2030-01-10T10:30:00Z", "2030-01-10T12:00:00Z")
    assert clash.status_code == 409
    error = clash.json()["error"]
    assert error["code"] == "job_conflict"
    assert "Boiler repair" in error["message"]
    assert [c["id"] for c in error["details"]["conflicts"]] == [first.json()["job"]["id"]]
    # Touching intervals do not overlap.
    assert (
        create_job(client, admin_headers, "2030-01-10T11:00:00Z", "2030-01-10T12:00:00Z").status_code == 201
    )
    assert count_rows(database_url, "jobs", tenant.tenant_id) == 2


def test_create_conflicts_with_pending_bookings(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    book(client, tenant.services["consultation"], "2030-01-10T10:00:00-05:00")
    clash = create_job(client, admin_headers, "2030-01-10T15:00:00Z", "2030-01-10T15:15:00Z")
    assert clash.status_code == 409
    assert clash.json()["error"]["details"]["conflicts"][0]["status"] == "pending-confirmation"


def test_create_with_service_and_contact(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    response = client.post(
        "/jobs",
        json={
            "title": "Walk-in",
            "startTime": "2030-01-10T15:00:00Z",
            "serviceId": tenant.services["standard"],
            "contact": {"name": "Bo", "email": "bo@example.com", "phone": "+1 555 0100"},
        },
        headers=admin_headers,
    )
    assert response.status_code == 201, response.text
    job = response.json()["job"]
    assert job["endTime"] == "2030-01-10T16:00:00Z"
    assert job["source"] == "admin"
    assert job["contact"]["phone"] == "+1 555 0100"


def test_create_validation(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    no_end = client.post(
        "/jobs", json={"title": "x", "startTime": "2030-01-10T15:00:00Z"}, headers=admin_headers
    )
    assert (no_end.status_code, error_code(no_end)) == (422, "end_time_required")
    backwards = create_job(client, admin_headers, "2030-01-10T15:00:00Z", "2030-01-10T14:00:00Z")
    assert (backwards.status_code, error_code(backwards)) == (422, "invalid_interval")
    unknown = client.post(
        "/jobs",
        json={"title": "x", "startTime": "2030-01-10T15:00:00Z", "serviceId": str(uuid4())},
        headers=admin_headers,
    )
    assert (unknown.status_code, error_code(unknown)) == (404, "service_not_found")


def test_get_job_and_404(client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]) -> None:
    job = create_job(client, admin_headers, "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z").json()["job"]
    assert client.get(f"/jobs/{job['id']}", headers=admin_headers).json()["job"] == job
    missing = client.get(f"/jobs/{uuid4()}", headers=admin_headers)
    assert (missing.status_code, error_code(missing)) == (404, "job_not_found")


def test_edit_keeps_untouched_fields(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    job = create_job(
        client, admin_headers, "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z", notes="side door"
    ).json()["job"]
    edited = client.patch(f"/jobs/{job['id']}", json={"title": "Renamed"}, headers=admin_headers)
    assert edited.status_code == 200
    assert edited.json()["job"]["title"] == "Renamed"
    assert edited.json()["job"]["notes"] == "side door"
    assert edited.json()["job"]["startTime"] == job["startTime"]


def test_reschedule_keeps_length_and_checks_conflicts(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    job = create_job(client, admin_headers, "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z").json()["job"]
    other = create_job(client, admin_headers, "2030-01-10T14:00:00Z", "2030-01-10T15:00:00Z").json()["job"]
    moved = client.patch(
        f"/jobs/{job['id']}", json={"startTime": "2030-01-10T12:00:00Z"}, headers=admin_headers
    )
    assert moved.status_code == 200
    assert moved.json()["job"]["endTime"] == "2030-01-10T13:00:00Z"
    # Moving within its own old interval never conflicts with itself.
    nudged = client.patch(
        f"/jobs/{job['id']}", json={"startTime": "2030-01-10T12:30:00Z"}, headers=admin_headers
    )
    assert nudged.status_code == 200
    clash = client.patch(
        f"/jobs/{job['id']}", json={"startTime": "2030-01-10T14:30:00Z"}, headers=admin_headers
    )
    assert clash.status_code == 409
    assert clash.json()["error"]["details"]["conflicts"][0]["id"] == other["id"]
    unchanged = client.get(f"/jobs/{job['id']}", headers=admin_headers).json()["job"]
    assert unchanged["startTime"] == "2030-01-10T12:30:00Z"


def test_reschedule_of_a_finished_job_is_refused(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    job = create_job(client, admin_headers, "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z").json()["job"]
    client.post(f"/jobs/{job['id']}/cancel", json={"reason": "no longer needed"}, headers=admin_headers)
    moved = client.patch(
        f"/jobs/{job['id']}", json={"startTime": "2030-01-11T10:00:00Z"}, headers=admin_headers
    )
    assert (moved.status_code, error_code(moved)) == (409, "invalid_transition")


def test_reschedule_respects_service_capacity(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    service = create_service(client, admin_headers, maxBookingsPerSlot=2)
    a = book(client, service["id"], "2030-01-10T10:00:00Z", email="a@example.com").json()["job"]
    book(client, service["id"], "2030-01-10T11:00:00Z", email="b@example.com")
    # One more at 11:00 fits capacity 2; a third would not.
    assert (
        client.patch(
            f"/jobs/{a['id']}", json={"startTime": "2030-01-10T11:00:00Z"}, headers=admin_headers
        ).status_code
        == 200
    )
    c = book(client, service["id"], "2030-01-10T12:00:00Z", email="c@example.com").json()["job"]
    clash = client.patch(
        f"/jobs/{c['id']}", json={"startTime": "2030-01-10T11:00:00Z"}, headers=admin_headers
    )
    assert clash.status_code == 409


def test_a_listed_job_reads_as_the_job_itself(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    """The list builds jobs from its rows by position, the single read by name: both agree,
    with a contact and without, after a cancellation."""
    booked = book(
        client, tenant.services["standard"], "2030-01-10T10:00:00-05:00", notes="Gate code 12"
    ).json()
    bare = create_job(client, admin_headers, "2030-01-10T18:00:00Z", "2030-01-10T19:00:00Z").json()
    cancelled = client.post(
        f"/jobs/{bare['job']['id']}/cancel", json={"reason": "No longer needed"}, headers=admin_headers
    )
    assert cancelled.status_code == 200
    listed = client.get("/jobs?start=2030-01-10&end=2030-01-10", headers=admin_headers).json()["jobs"]
    assert len(listed) == 2
    for job in listed:
        single = client.get(f"/jobs/{job['id']}", headers=admin_headers).json()["job"]
        assert job == single
    assert {job["id"] for job in listed} == {booked["job"]["id"], bare["job"]["id"]}
    assert any(job["contact"] is None for job in listed)
    assert any(job["contact"] is not None and job["notes"] == "Gate code 12" for job in listed)
