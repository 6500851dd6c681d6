"""A tenant's token never reaches another tenant's data: it gets 404, as if it did not exist."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from reference_app.local.seed import SeedResult, seed
from tests.integration.calls import book, create_job, error_code


@pytest.fixture
def other_tenant(database_url: str) -> SeedResult:
    return seed(database_url, time_zone="Europe/Berlin")


@pytest.fixture
def their_job(client: TestClient[Any], other_tenant: SeedResult) -> dict[str, Any]:
    response = book(client, other_tenant.services["consultation"], "2030-01-10T10:00:00+01:00")
    assert response.status_code == 201, response.text
    return dict(response.json()["job"])


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("GET", "/history", None),
        ("PATCH", "", {"title": "mine now"}),
        ("POST", "/confirm", None),
        ("POST", "/decline", {"reason": "x"}),
        ("POST", "/start", None),
        ("POST", "/cancel", {"reason": "x"}),
    ],
)
def test_other_tenants_job_is_404(
    client: TestClient[Any],
    admin_headers: dict[str, str],
    their_job: dict[str, Any],
    method: str,
    suffix: str,
    body: dict[str, Any] | None,
) -> None:
    response = client.request(method, f"/jobs/{their_job['id']}{suffix}", json=body, headers=admin_headers)
    assert response.status_code == 404
    assert error_code(response) == "job_not_found"


def test_their_job_is_untouched_and_unlisted(
    client: TestClient[Any],
    admin_headers: dict[str, str],
    their_job: dict[str, Any],
    other_tenant: SeedResult,
) -> None:
    client.post(f"/jobs/{their_job['id']}/confirm", headers=admin_headers)
    listed = client.get("/jobs", params={"start": "2030-01-09", "end": "2030-01-11"}, headers=admin_headers)
    assert listed.json()["jobs"] == []
    login = client.post(
        "/auth/login", json={"email": other_tenant.admin_email, "password": other_tenant.admin_password}
    )
    theirs = {"Authorization": f"Bearer {login.json()['token']}"}
    job = client.get(f"/jobs/{their_job['id']}", headers=theirs).json()["job"]
    assert job["status"] == "pending-confirmation"


def test_other_tenants_services_are_404(
    client: TestClient[Any], admin_headers: dict[str, str], other_tenant: SeedResult
) -> None:
    service_id = other_tenant.services["standard"]
    for method, body in [("GET", None), ("PATCH", {"name": "mine"}), ("DELETE", None)]:
        response = client.request(method, f"/admin/services/{service_id}", json=body, headers=admin_headers)
        assert response.status_code == 404, method
    created = client.post(
        "/jobs",
        json={"title": "x", "startTime": "2030-01-10T10:00:00Z", "serviceId": service_id},
        headers=admin_headers,
    )
    assert (created.status_code, error_code(created)) == (404, "service_not_found")


def test_calendars_are_separate(
    client: TestClient[Any], admin_headers: dict[str, str], other_tenant: SeedResult
) -> None:
    # Their booking at 10:00 UTC does not block ours at the same instant.
    book(client, other_tenant.services["callout"], "2030-01-10T10:00:00Z")
    book(client, other_tenant.services["callout"], "2030-01-10T10:00:00Z", email="b@example.com")
    assert (
        create_job(client, admin_headers, "2030-01-10T10:00:00Z", "2030-01-10T10:30:00Z").status_code == 201
    )
