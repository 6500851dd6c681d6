"""A thin client for the reference service's JSON API (public and admin routes), for the suites
that set up data and check what the reference did beyond the booking model (jobs, services,
outbox, suppressions). It returns raw responses: judging them is the checkers' job."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import httpx

from harness.adapters import reference_paths as paths

ACTIONS_WITH_REASON = frozenset({"decline", "cancel"})


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
        return self.http.get(paths.HEALTH)

    def metrics(self, token: str | None = None) -> httpx.Response:
        """Prometheus text (a bearer token when the service asks for one)."""
        return self.http.get(paths.METRICS, headers={"Authorization": f"Bearer {token}"} if token else {})

    def service(self, service_id: str) -> httpx.Response:
        return self.http.get(paths.service(service_id))

    def availability(self, service_id: str, first: date, last: date) -> httpx.Response:
        return self.http.get(
            paths.availability(service_id),
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
        return self.http.post(paths.booking(service_id), json=body, headers=headers)

    # admin
    def login(self, email: str, password: str) -> httpx.Response:
        response = self.http.post(paths.SIGN_IN, json={"email": email, "password": password})
        if response.status_code == 200:
            self.auth = {"Authorization": f"Bearer {response.json()['token']}"}
        return response

    def jobs(self, first: date, last: date, statuses: list[str] | None = None) -> httpx.Response:
        params = {"start": first.isoformat(), "end": last.isoformat()}
        if statuses:
            params["status"] = ",".join(statuses)
        return self.http.get(paths.JOBS, params=params, headers=self.auth)

    def job(self, job_id: str) -> httpx.Response:
        return self.http.get(paths.job(job_id), headers=self.auth)

    def history(self, job_id: str) -> httpx.Response:
        return self.http.get(paths.job_action(job_id, "history"), headers=self.auth)

    def create_job(self, body: dict[str, Any]) -> httpx.Response:
        return self.http.post(paths.JOBS, json=body, headers=self.auth)

    def update_job(self, job_id: str, body: dict[str, Any]) -> httpx.Response:
        return self.http.patch(paths.job(job_id), json=body, headers=self.auth)

    def act(self, job_id: str, action: str, reason: str | None = None) -> httpx.Response:
        body = {"reason": reason or f"{action} by the harness"} if action in ACTIONS_WITH_REASON else None
        return self.http.post(paths.job_action(job_id, action), json=body, headers=self.auth)

    def services(self) -> httpx.Response:
        return self.http.get(paths.ADMIN_SERVICES, headers=self.auth)

    def create_service(self, body: dict[str, Any]) -> httpx.Response:
        return self.http.post(paths.ADMIN_SERVICES, json=body, headers=self.auth)

    def update_service(self, service_id: str, body: dict[str, Any]) -> httpx.Response:
        return self.http.patch(paths.admin_service(service_id), json=body, headers=self.auth)

    def outbox(self, state: str | None = None, limit: int = 1000) -> httpx.Response:
        params: dict[str, str | int] = {"limit": limit}
        if state:
            params["state"] = state
        return self.http.get(paths.ADMIN_OUTBOX, params=params, headers=self.auth)

    def delete_service(self, service_id: str) -> httpx.Response:
        return self.http.delete(paths.admin_service(service_id), headers=self.auth)

    def logout(self, token: str) -> httpx.Response:
        return self.http.post(paths.SIGN_OUT, headers={"Authorization": f"Bearer {token}"})

    def suppressions(self) -> httpx.Response:
        return self.http.get(paths.SUPPRESSIONS, headers=self.auth)

    def lift_suppression(self, email: str) -> httpx.Response:
        return self.http.delete(paths.suppression(email), headers=self.auth)
