"""Every action against every status through HTTP, the history it leaves, the guard on confirm,
and the no-show move, open only once a scheduled job's start time has passed."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from reference_app.local.seed import SeedResult
from reference_app.scheduling.lifecycle import TRANSITIONS
from tests.integration.calls import book, create_job, create_service, error_code

ACTIONS = ("confirm", "decline", "start", "complete", "cancel", "no-show")
# The admin actions that lead to each status from a fresh job ("past": staff record a job
# whose time has gone by; the others lie in 2030).
PATHS: dict[str, tuple[str, list[str]]] = {
    "pending-confirmation": ("booking", []),
    "scheduled": ("admin", []),
    "in-progress": ("admin", ["start"]),
    "completed": ("admin", ["start", "complete"]),
    "cancelled": ("admin", ["cancel"]),
    "no-show": ("past", ["no-show"]),
}


def _act(client: TestClient[Any], headers: dict[str, str], job_id: str, action: str) -> Any:
    body = {"reason": "testing"} if action in {"decline", "cancel"} else None
    return client.post(f"/jobs/{job_id}/{action}", json=body, headers=headers)


def _job_in(client: TestClient[Any], tenant: SeedResult, headers: dict[str, str], status: str) -> str:
    origin, actions = PATHS[status]
    if origin == "booking":
        response = book(client, tenant.services["consultation"], "2030-01-10T10:00:00-05:00")
    elif origin == "past":
        response = create_job(client, headers, "2020-01-10T10:00:00Z", "2020-01-10T11:00:00Z")
    else:
        response = create_job(client, headers, "2030-01-10T10:00:00Z", "2030-01-10T11:00:00Z")
    assert response.status_code == 201, response.text
    job_id = str(response.json()["job"]["id"])
    for action in actions:
        assert _act(client, headers, job_id, action).status_code == 200
    return job_id


@pytest.mark.parametrize("status", list(PATHS))
@pytest.mark.parametrize("action", ACTIONS)
def test_action_matrix(
    client: TestClient[Any],
    tenant: SeedResult,
    admin_headers: dict[str, str],
    status: str,
    action: str,
) -> None:
    job_id = _job_in(client, tenant, admin_headers, status)
    before = client.get(f"/jobs/{job_id}", headers=admin_headers).json()["job"]
    response = _act(client, admin_headers, job_id, action)
    expected = TRANSITIONS.get((action, status))  # type: ignore[call-overload]
    if action == "no-show":
        expected = None  # every job of the matrix but the past one lies in 2030: too early
    after = client.get(f"/jobs/{job_id}", headers=admin_headers).json()["job"]
    if expected is None:
        assert response.status_code == 409, response.text
        assert error_code(response) == "invalid_transition"
        assert after == before
    else:
        assert response.status_code == 200, response.text
        assert response.json()["job"]["status"] == expected == after["status"]


def test_expected_transitions_are_the_seeds() -> None:
    assert TRANSITIONS == {
        ("confirm", "pending-confirmation"): "scheduled",
        ("decline", "pending-confirmation"): "cancelled",
        ("start", "scheduled"): "in-progress",
        ("cancel", "scheduled"): "cancelled",
        ("complete", "in-progress"): "completed",
        ("no-show", "scheduled"): "no-show",
    }


def test_no_show_once_the_start_has_passed_with_its_history_and_no_email(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    coming = _job_in(client, tenant, admin_headers, "scheduled")
    early = _act(client, admin_headers, coming, "no-show")
    assert early.status_code == 409, early.text
    assert error_code(early) == "invalid_transition"
    assert "only once its start time has passed" in early.json()["error"]["message"]

    missed = create_job(client, admin_headers, "2020-01-10T10:00:00Z", "2020-01-10T11:00:00Z").json()["job"]
    marked = _act(client, admin_headers, missed["id"], "no-show")
    assert marked.status_code == 200, marked.text
    assert marked.json()["job"]["status"] == "no-show"
    history = client.get(f"/jobs/{missed['id']}/history", headers=admin_headers).json()["history"]
    assert [(h["fromStatus"], h["toStatus"]) for h in history] == [
        (None, "scheduled"),
        ("scheduled", "no-show"),
    ]
    assert history[-1]["actor"] == f"admin:{tenant.admin_email}"
    for action in ACTIONS:  # a final status: nothing follows
        assert _act(client, admin_headers, missed["id"], action).status_code == 409
    outbox = client.get("/admin/outbox", headers=admin_headers).json()["emails"]
    assert [e for e in outbox if e["jobId"] == missed["id"]] == []  # no email: decided (docs)


def test_history_records_each_step(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    job_id = _job_in(client, tenant, admin_headers, "pending-confirmation")
    for action in ("confirm", "start", "complete"):
        assert _act(client, admin_headers, job_id, action).status_code == 200
    _act(client, admin_headers, job_id, "cancel")  # refused: leaves no trace
    history = client.get(f"/jobs/{job_id}/history", headers=admin_headers).json()["history"]
    assert [(h["fromStatus"], h["toStatus"]) for h in history] == [
        (None, "pending-confirmation"),
        ("pending-confirmation", "scheduled"),
        ("scheduled", "in-progress"),
        ("in-progress", "completed"),
    ]
    assert history[0]["actor"] == "client"
    assert history[1]["actor"] == f"admin:{tenant.admin_email}"


def test_decline_needs_and_keeps_a_reason(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    job_id = _job_in(client, tenant, admin_headers, "pending-confirmation")
    missing = client.post(f"/jobs/{job_id}/decline", json={}, headers=admin_headers)
    assert missing.status_code == 422
    blank = client.post(f"/jobs/{job_id}/decline", json={"reason": "  "}, headers=admin_headers)
    assert blank.status_code == 422
    declined = client.post(
        f"/jobs/{job_id}/decline", json={"reason": "Fully booked that week"}, headers=admin_headers
    )
    assert declined.status_code == 200
    job = declined.json()["job"]
    assert (job["status"], job["declineReason"]) == ("cancelled", "Fully booked that week")
    history = client.get(f"/jobs/{job_id}/history", headers=admin_headers).json()["history"]
    assert history[-1]["reason"] == "Fully booked that week"


def test_cancel_keeps_its_reason(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    job_id = _job_in(client, tenant, admin_headers, "scheduled")
    cancelled = client.post(f"/jobs/{job_id}/cancel", json={"reason": "Storm"}, headers=admin_headers)
    assert cancelled.json()["job"]["cancelReason"] == "Storm"


def test_confirm_goes_through_the_capacity_guard(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    service = create_service(client, admin_headers, maxBookingsPerSlot=2, requireConfirmation=True)
    first = book(client, service["id"], "2030-01-10T10:00:00Z", email="a@example.com").json()["job"]
    book(client, service["id"], "2030-01-10T10:00:00Z", email="b@example.com")
    # Capacity lowered after both were booked: confirming one would leave the slot overfull.
    settings = {**service["bookingSettings"], "maxBookingsPerSlot": 1}
    patched = client.patch(
        f"/admin/services/{service['id']}", json={"bookingSettings": settings}, headers=admin_headers
    )
    assert patched.status_code == 200
    refused = _act(client, admin_headers, first["id"], "confirm")
    assert refused.status_code == 409
    assert error_code(refused) == "job_conflict"
    still = client.get(f"/jobs/{first['id']}", headers=admin_headers).json()["job"]
    assert still["status"] == "pending-confirmation"
