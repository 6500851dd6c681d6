"""The `load_ack_before_commit` variant (for the nemesis's teeth test) on its own: it books like
the service, only committing after the 201; a refused booking rolls back; no path keeps a
pooled connection (a leak would starve the pool: more refusals than connections prove none)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from reference_app.app import create_app
from reference_app.local.seed import SeedResult
from reference_app.settings import Settings
from tests.integration.calls import book, count_rows, error_code

FAULT = "load_ack_before_commit"


@pytest.fixture
def broken_client(settings: Settings) -> Iterator[TestClient[Any]]:
    broken = dataclasses.replace(settings, faults=frozenset({FAULT}), pool_timeout_seconds=3)
    with TestClient(create_app(broken)) as test_client:
        yield test_client


def test_books_and_commits_after_answering(
    broken_client: TestClient[Any], tenant: SeedResult, database_url: str
) -> None:
    assert broken_client.get("/health").json()["faults"] == [FAULT]
    response = book(broken_client, tenant.services["standard"], "2030-01-10T10:00:00-05:00")
    assert response.status_code == 201, response.text
    # The test client returns once the background commit has run.
    assert count_rows(database_url, "jobs", tenant.tenant_id) == 1
    with psycopg.connect(database_url) as conn:
        emails = conn.execute("SELECT count(*) FROM email_outbox WHERE tenant_id = %s", (tenant.tenant_id,))
        assert emails.fetchone() == (2,)


def test_refusals_roll_back_and_give_their_connection_back(
    broken_client: TestClient[Any], tenant: SeedResult, database_url: str, settings: Settings
) -> None:
    slot = "2030-01-10T11:00:00-05:00"
    assert book(broken_client, tenant.services["standard"], slot).status_code == 201
    for _ in range(settings.pool_max_size + 2):
        taken = book(broken_client, tenant.services["standard"], slot)
        assert taken.status_code == 409 and error_code(taken) == "slot_unavailable"
        past = book(broken_client, tenant.services["standard"], "2030-01-09T09:00:00-05:00")
        assert past.status_code == 422 and error_code(past) == "past_slot"
    assert count_rows(database_url, "jobs", tenant.tenant_id) == 1
