"""What production needs, checked on the local stack over HTTP: the SES feedback loop end to end
(booking -> SES -> SNS -> SQS -> sender process -> suppression), /metrics across worker
processes after a booking run, the double-booking audit (a planted incident found, a clean
load run clean), and the monitoring the stack provisioned on its moto server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import httpx
import psycopg
import pytest

from reference_app.local.stack import StackInfo, local_stack
from reference_app.operations.monitoring import ALARM_TOPIC, ALARMS, DASHBOARD, NAMESPACE
from tests.integration.calls import wait_until
from tests.integration.cli_runs import RELAXED_LATENCY

pytestmark = [pytest.mark.slow, pytest.mark.processes]
BOUNCE = "bounce@simulator.amazonses.com"
COMPLAINT = "complaint@simulator.amazonses.com"


@pytest.fixture(scope="module")
def stack(database_url: str, log_dir: Path) -> Iterator[StackInfo]:
    # Abuse limits off, as for load runs: the clean load run below books from 127.0.0.1.
    with local_stack(
        servers=1, workers=2, env={"ABUSE_LIMITS": "off"}, log_dir=log_dir / "production-stack"
    ) as info:
        yield info


@pytest.fixture(scope="module")
def admin(stack: StackInfo) -> dict[str, str]:
    response = httpx.post(
        f"{stack.base_url}/auth/login",
        json={"email": stack.seed.admin_email, "password": stack.seed.admin_password},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def free_slots(stack: StackInfo, service: str, days: int = 14) -> list[str]:
    today = datetime.now(UTC).date()
    response = httpx.get(
        f"{stack.base_url}/services/{stack.seed.services[service]}/availability",
        params={"start": today.isoformat(), "end": (today + timedelta(days=days)).isoformat()},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return [slot["startTime"] for slot in response.json()["slots"] if slot["remaining"] > 0]


def book(stack: StackInfo, service: str, start: str, email: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{stack.base_url}/services/{stack.seed.services[service]}/book",
        json={"startTime": start, "contact": {"name": "Stack Client", "email": email}},
        headers=headers,
        timeout=30,
    )


def outbox(stack: StackInfo, admin: dict[str, str], recipient: str) -> dict[str, str]:
    emails = httpx.get(f"{stack.base_url}/admin/outbox", headers=admin, timeout=30).json()["emails"]
    return {e["kind"]: e["state"] for e in emails if e["recipient"] == recipient}


@pytest.mark.parametrize(("address", "reason"), [(BOUNCE, "bounce"), (COMPLAINT, "complaint")])
def test_simulator_address_ends_suppressed_and_the_next_email_too(
    stack: StackInfo, admin: dict[str, str], address: str, reason: str
) -> None:
    slot = free_slots(stack, "callout")[0 if reason == "bounce" else 1]
    booked = book(stack, "callout", slot, address)
    assert booked.status_code == 201, booked.text

    def suppressed() -> dict[str, Any] | None:
        entries = httpx.get(f"{stack.base_url}/admin/suppressions", headers=admin, timeout=30).json()
        return next((e for e in entries["suppressions"] if e["email"] == address), None)

    entry = wait_until(suppressed, what=f"{address} on the suppression list")
    assert entry["reason"] == reason
    job_id = booked.json()["job"]["id"]
    cancel = httpx.post(
        f"{stack.base_url}/jobs/{job_id}/cancel", json={"reason": "stack test"}, headers=admin, timeout=30
    )
    assert cancel.status_code == 200, cancel.text
    states = wait_until(
        lambda: (
            (s := outbox(stack, admin, address)).get("client_cancellation") not in (None, "pending") and s
        ),
        what="the cancellation email settled",
    )
    assert states["client_cancellation"] == "suppressed"
    assert states["client_instant_confirmation"] == "sent"


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, value = line.rpartition(" ")
        metric, _, label_text = head.partition("{")
        if metric != name:
            continue
        if all(f'{key}="{wanted}"' in label_text for key, wanted in labels.items()):
            total += float(value)
    return total


def _scrape(stack: StackInfo) -> str:
    token = stack.server_env["METRICS_TOKEN"]
    response = httpx.get(
        f"{stack.base_url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def test_metrics_after_a_booking_run(stack: StackInfo, admin: dict[str, str]) -> None:
    before = _scrape(stack)
    slots = free_slots(stack, "callout")[4:10]
    page = httpx.get(f"{stack.base_url}/book/{stack.seed.services['callout']}", timeout=30)
    assert page.status_code == 200
    referer = {"Referer": f"{stack.base_url}/book/{stack.seed.services['callout']}"}
    booked = [
        book(stack, "callout", slot, f"m-{uuid.uuid4().hex[:6]}@example.com", **referer) for slot in slots
    ]
    assert all(r.status_code == 201 for r in booked)
    # Capacity 2: a third booking of the first slot is refused.
    book(stack, "callout", slots[0], "third@example.com")
    full = book(stack, "callout", slots[0], "fourth@example.com")
    assert full.status_code == 409
    off_grid = (datetime.fromisoformat(slots[0]) + timedelta(minutes=7)).isoformat()
    refused = book(stack, "callout", off_grid, "offgrid@example.com")
    assert refused.status_code == 422
    code = refused.json()["error"]["code"]
    job_id = booked[1].json()["job"]["id"]
    assert httpx.post(
        f"{stack.base_url}/jobs/{job_id}/cancel", json={"reason": "m"}, headers=admin, timeout=30
    ).is_success
    for _ in range(20):  # spread over both worker processes
        httpx.get(f"{stack.base_url}/health", timeout=30)
    after = _scrape(stack)

    def grew(name: str, by: float, **labels: str) -> None:
        assert _metric(after, name, **labels) - _metric(before, name, **labels) >= by, (name, labels)

    grew("bookings_total", len(slots) + 1, outcome="booked")
    grew("bookings_total", 1, outcome="slot_unavailable")
    grew("bookings_total", 1, outcome="refused", code=code)
    grew("booking_page_views_total", 1)
    grew("booking_page_bookings_total", len(slots))
    grew("job_transitions_total", 1, action="cancel")
    grew("http_requests_total", 20, route="/health", status_class="2xx")
    grew("http_requests_total", 1, route="/services/{service_id}/book", status_class="4xx")
    grew("http_request_duration_seconds_count", len(slots), route="/services/{service_id}/book")
    assert "http_request_duration_seconds_bucket" in after
    wait_until(
        lambda: _metric(_scrape(stack), "email_outbox_emails", state="sent") >= len(slots), what="emails sent"
    )
    assert _metric(after, "double_booking_incidents") == 0
    assert httpx.get(f"{stack.base_url}/metrics", timeout=30).status_code == 401
    assert (
        httpx.get(
            f"{stack.base_url}/metrics", headers={"Authorization": "Bearer wrong"}, timeout=30
        ).status_code
        == 401
    )


def _audit(stack: StackInfo) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reference_app", "audit", "--json"],
        env={**os.environ, "DATABASE_URL": stack.database_url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_audit_is_clean_after_a_clean_load_run_and_finds_a_planted_double_booking(
    stack: StackInfo, tmp_path: Path
) -> None:
    target = tmp_path / "target.json"
    target.write_text(json.dumps(stack.target_json()))
    # What is judged here is the audit: the latency gate is out of reach (RELAXED_LATENCY).
    run = subprocess.run(
        [sys.executable, "-m", "load", "run", "--scenario", "race", "--users", "10", "--duration", "8s",
         "--target-file", str(target), "--results-dir", str(tmp_path / "load"), *RELAXED_LATENCY],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    clean = _audit(stack)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert json.loads(clean.stdout) == {"incidents": []}

    slot = datetime(2031, 3, 4, 15, 0, tzinfo=UTC)
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        ids = [
            conn.execute(
                "INSERT INTO jobs (tenant_id, service_id, title, start_time, end_time, status, source)"
                " VALUES (%s, %s, 'planted', %s, %s, 'scheduled', 'admin') RETURNING id",
                (stack.seed.tenant_id, stack.seed.services["standard"], slot, slot + timedelta(hours=1)),
            ).fetchone()[0]  # type: ignore[index]
            for _ in range(2)
        ]
    try:
        found = _audit(stack)
        assert found.returncode == 1
        [incident] = json.loads(found.stdout)["incidents"]
        assert sorted(incident["jobIds"]) == sorted(str(i) for i in ids)
        assert incident["capacity"] == 1
        assert datetime.fromisoformat(incident["at"]) == slot
    finally:
        with psycopg.connect(stack.database_url, autocommit=True) as conn:
            conn.execute("DELETE FROM jobs WHERE id = ANY(%s)", (ids,))


def test_the_stack_provisioned_its_dashboard_and_alarms(stack: StackInfo) -> None:
    aws = stack.target_json()["aws"]
    client = boto3.client("cloudwatch", region_name=aws["region"], endpoint_url=aws["endpointUrl"])
    alarms = {a["AlarmName"]: a for a in client.describe_alarms()["MetricAlarms"]}
    for spec in ALARMS:
        alarm = alarms[spec.name]
        assert (alarm["Namespace"], alarm["MetricName"]) == (NAMESPACE, spec.metric)
        assert alarm["ActionsEnabled"] is True
        assert alarm["AlarmActions"] and alarm["AlarmActions"][0].endswith(f":{ALARM_TOPIC}")
    assert client.get_dashboard(DashboardName=DASHBOARD)["DashboardBody"]
