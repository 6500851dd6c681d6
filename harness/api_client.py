"""A thin client for the booking API the harness verifies. It returns raw responses: judging
them is the checkers' job, not the client's."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import httpx

ACTIONS_WITH_REASON = frozenset({"decline", "cancel"})
# The routes monitoring calls (health checks, scrapes): not the API's traffic.
MONITORING_ROUTES = frozenset({"/health", "/metrics"})


class BookingApi:
    def __init__(self, base_url: str, *, timeout: float = 10.0, client: httpx.Client | None = None):
        self.http = client or httpx.Client(base_url=base_url, timeout=timeout)
        # Kept per client object, not on the shared httpx client, so several sessions
        # (tenants) can share one connection pool.
        self.auth: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> BookingApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # public
    def health(self) -> httpx.Response:
        return self.http.get("/health")

    def metrics(self, token: str | None = None) -> httpx.Response:
        """Prometheus text (a bearer token when the service asks for one)."""
        return self.http.get("/metrics", headers={"Authorization": f"Bearer {token}"} if token else {})

    def service(self, service_id: str) -> httpx.Response:
        return self.http.get(f"/services/{service_id}")

    def availability(self, service_id: str, first: date, last: date) -> httpx.Response:
        return self.http.get(
            f"/services/{service_id}/availability",
            params={"start": first.isoformat(), "end": last.isoformat()},
        )

    def book(
        self,
        service_id: str,
        start: datetime | str,
        *,
        name: str,
        email: str,
        phone: str | None = None,
        notes: str | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        contact: dict[str, Any] = {"name": name, "email": email}
        if phone is not None:
            contact["phone"] = phone
        body: dict[str, Any] = {
            "startTime": start.isoformat() if isinstance(start, datetime) else start,
            "contact": contact,
        }
        if notes is not None:
            body["notes"] = notes
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return self.http.post(f"/services/{service_id}/book", json=body, headers=headers)

    # admin
    def login(self, email: str, password: str) -> httpx.Response:
        response = self.http.post("/auth/login", json={"email": email, "password": password})
        if response.status_code == 200:
            self.auth = {"Authorization": f"Bearer {response.json()['token']}"}
        return response

    def jobs(self, first: date, last: date, statuses: list[str] | None = None) -> httpx.Response:
        params = {"start": first.isoformat(), "end": last.isoformat()}
        if statuses:
            params["status"] = ",".join(statuses)
        return self.http.get("/jobs", params=params, headers=self.auth)

    def job(self, job_id: str) -> httpx.Response:
        return self.http.get(f"/jobs/{job_id}", headers=self.auth)

    def history(self, job_id: str) -> httpx.Response:
        return self.http.get(f"/jobs/{job_id}/history", headers=self.auth)

    def create_job(self, body: dict[str, Any]) -> httpx.Response:
        return self.http.post("/jobs", json=body, headers=self.auth)

    def update_job(self, job_id: str, body: dict[str, Any]) -> httpx.Response:
        return self.http.patch(f"/jobs/{job_id}", json=body, headers=self.auth)

    def act(self, job_id: str, action: str, reason: str | None = None) -> httpx.Response:
        body = {"reason": reason or f"{action} by the harness"} if action in ACTIONS_WITH_REASON else None
        return self.http.post(f"/jobs/{job_id}/{action}", json=body, headers=self.auth)

    def services(self) -> httpx.Response:
        return self.http.get("/admin/services", headers=self.auth)

    def create_service(self, body: dict[str, Any]) -> httpx.Response:
        return self.http.post("/admin/services", json=body, headers=self.auth)

    def update_service(self, service_id: str, body: dict[str, Any]) -> httpx.Response:
        return self.http.patch(f"/admin/services/{service_id}", json=body, headers=self.auth)

    def outbox(self, state: str | None = None, limit: int = 1000) -> httpx.Response:
        params: dict[str, str | int] = {"limit": limit}
        if state:
            params["state"] = state
        return self.http.get("/admin/outbox", params=params, headers=self.auth)
