"""The audit's two views of the final state, the database and the admin API, agree: same jobs,
statuses, contact addresses and capacities."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar.testing import TestClient

from harness.api_client import BookingApi
from harness.target import Target
from load.checker.final_state import read_from_admin_api, read_from_database
from load.checker.operations import contact_email
from reference_app.local.seed import SeedResult

WINDOW = (datetime(2030, 1, 9, tzinfo=UTC), datetime(2030, 1, 20, tzinfo=UTC))


def test_database_and_admin_api_views_agree(
    client: TestClient[Any], tenant: SeedResult, database_url: str, admin_headers: dict[str, str]
) -> None:
    callout = tenant.services["callout"]
    api = BookingApi("http://testserver", client=client)
    for i, start in enumerate(["2030-01-10T15:00:00Z", "2030-01-10T15:00:00Z", "2030-01-11T03:30:00Z"]):
        assert api.book(callout, start, name="Load", email=contact_email("r1", f"q{i}")).status_code == 201
    target = Target(
        base_url="http://testserver",
        admin_email=tenant.admin_email,
        admin_password=tenant.admin_password,
        services=dict(tenant.services),
    )
    from_api = read_from_admin_api(target, WINDOW, BookingApi("http://testserver", client=client))
    from_db = read_from_database(database_url, tenant.services.values(), WINDOW)
    assert from_db.source == "database" and from_api.source == "admin-api"
    assert len(from_db.jobs) == 3
    assert from_api.jobs == from_db.jobs
    # Only the database shows the outbox: every booking has its emails there.
    assert all(job.emails and job.emails >= 1 for job in from_db.jobs.values())
    assert all(job.emails is None for job in from_api.jobs.values())
    assert from_api.capacities == from_db.capacities
    assert from_db.capacity(callout) == 2 and from_db.capacity(None) == 1
