"""Small request helpers the integration tests share."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import psycopg
from litestar.testing import TestClient

ALL_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def wait_until(check: Callable[[], Any], timeout: float = 60, what: str = "condition") -> Any:
    """Poll `check` until it returns something true (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def book(
    client: TestClient[Any],
    service_id: str,
    start: str,
    *,
    name: str = "Ada Client",
    email: str = "ada@example.com",
    headers: dict[str, str] | None = None,
    notes: str | None = None,
) -> httpx.Response:
    body: dict[str, Any] = {"startTime": start, "contact": {"name": name, "email": email}}
    if notes is not None:
        body["notes"] = notes
    return client.post(f"/services/{service_id}/book", json=body, headers=headers or {})


def create_service(client: TestClient[Any], headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    """An all-week, all-day service; booking settings overridable by camelCase keys."""
    settings = {
        "workingHours": {day: [{"start": "00:00", "end": "24:00"}] for day in ALL_WEEK},
        "slotIntervalMinutes": 30,
        "maxBookingsPerSlot": 1,
    }
    duration = overrides.pop("durationMinutes", 30)
    settings.update(overrides)
    response = client.post(
        "/admin/services",
        json={"name": "Test service", "durationMinutes": duration, "bookingSettings": settings},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()["service"]


def create_job(
    client: TestClient[Any], headers: dict[str, str], start: str, end: str, **extra: Any
) -> httpx.Response:
    body = {"title": extra.pop("title", "Admin job"), "startTime": start, "endTime": end, **extra}
    return client.post("/jobs", json=body, headers=headers)


def error_code(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    return str(body["error"]["code"])


def count_rows(database_url: str, table: str, tenant_id: str) -> int:
    assert table in {"jobs", "contacts", "services", "idempotency_keys"}
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            f"SELECT count(*) FROM {table} WHERE tenant_id = %s",  # table name checked above
            (tenant_id,),
        ).fetchone()
    assert row is not None
    return int(row[0])
