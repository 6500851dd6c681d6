"""The public booking page: what it shows, its date window, and the friendly 404."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from reference_app.local.seed import SeedResult


def test_page_shows_service_duration_and_business_zone(client: TestClient[Any], tenant: SeedResult) -> None:
    page = client.get(f"/book/{tenant.services['consultation']}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Consultation (needs confirmation)" in page.text
    assert "30 minutes" in page.text
    assert 'data-time-zone="America/New_York"' in page.text
    assert "Times are shown in the business's time zone" in page.text
    # Now is Wednesday 9 Jan 2030 10:00 in New York: no same-day bookings, 30 days ahead.
    assert 'min="2030-01-10" max="2030-02-08"' in page.text
    assert 'value="2030-01-10"' in page.text
    assert '<script src="/static/booking.js" defer>' in page.text


def test_picker_opens_on_the_first_day_with_a_free_slot(client: TestClient[Any], tenant: SeedResult) -> None:
    page = client.get(f"/book/{tenant.services['workshop']}")  # Saturdays only
    assert 'min="2030-01-09"' in page.text
    assert 'value="2030-01-12"' in page.text


def test_each_page_served_is_counted_per_service_and_hour(
    client: TestClient[Any], tenant: SeedResult, database_url: str
) -> None:
    """The conversion's denominator: pages served, in the hour of the service's clock; a 404
    counts nothing."""
    for _ in range(3):
        assert client.get(f"/book/{tenant.services['standard']}").status_code == 200
    assert client.get(f"/book/{tenant.services['callout']}").status_code == 200
    assert client.get(f"/book/{uuid.uuid4()}").status_code == 404
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT service_id::text, hour, views FROM booking_page_views WHERE service_id = ANY(%s)",
            ([tenant.services["standard"], tenant.services["callout"]],),
        ).fetchall()
    hour = datetime(2030, 1, 9, 15, tzinfo=UTC)  # the clock's 15:00 UTC (conftest)
    assert {service: (at, views) for service, at, views in rows} == {
        tenant.services["standard"]: (hour, 3),
        tenant.services["callout"]: (hour, 1),
    }


# A stable id for the random uuid: xdist workers must collect the same test names.
@pytest.mark.parametrize(
    "service_id", [pytest.param(str(uuid.uuid4()), id="unknown-uuid"), "not-a-uuid", "%3Cscript%3E"]
)
def test_unknown_service_gets_the_friendly_404(client: TestClient[Any], service_id: str) -> None:
    page = client.get(f"/book/{service_id}")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert 'data-testid="not-found"' in page.text
    assert "not taking bookings" in page.text
    assert "<script>" not in page.text


def test_inactive_service_gets_the_friendly_404(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    service_id = tenant.services["standard"]
    assert client.patch(
        f"/admin/services/{service_id}", json={"active": False}, headers=admin_headers
    ).is_success
    page = client.get(f"/book/{service_id}")
    assert page.status_code == 404
    assert 'data-testid="not-found"' in page.text


def test_service_names_are_escaped(
    client: TestClient[Any], tenant: SeedResult, admin_headers: dict[str, str]
) -> None:
    created = client.post(
        "/admin/services",
        json={"name": "<b onmouseover=alert(1)>Deep clean</b>", "durationMinutes": 60},
        headers=admin_headers,
    )
    page = client.get(f"/book/{created.json()['service']['id']}")
    assert "<b onmouseover" not in page.text
    assert "&lt;b onmouseover=alert(1)&gt;Deep clean&lt;/b&gt;" in page.text


def test_static_assets_are_served(client: TestClient[Any]) -> None:
    for path, kind in [("/static/booking.js", "javascript"), ("/static/pages.css", "text/css")]:
        response = client.get(path)
        assert response.status_code == 200 and kind in response.headers["content-type"]


def test_pages_stay_out_of_the_api_schema(client: TestClient[Any]) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith(("/book", "/schedule", "/login", "/logout", "/static"))]
