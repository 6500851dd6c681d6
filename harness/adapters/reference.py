"""The reference service's JSON API as an adapter: the default, and the model for any system
with a JSON API like it. One keep-alive HTTP client per adapter, shared by the racing threads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from harness.exit_codes import CannotJudge, first_line
from harness.model import (
    Booked,
    BookingRecord,
    Capability,
    Client,
    FinalState,
    Interval,
    Outcome,
    Refused,
    Service,
    Slot,
    Unknown,
)
from harness.preflight import DEFAULT_TIMEOUT_S, Needs, reference_preflight
from harness.target import Target


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _error_code(response: httpx.Response) -> str:
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return ""
    return str(error.get("code", "")) if isinstance(error, Mapping) else ""


def judge_booking(response: httpx.Response) -> Outcome:
    """201 booked; 409 the slot is taken; 422 a rule (or the request) refused; else unknown."""
    if response.status_code == 201:
        job = response.json()["job"]
        return Booked(job["id"], Interval(_instant(job["startTime"]), _instant(job["endTime"])), job["status"])
    if response.status_code == 409:
        return Refused("taken", _error_code(response) or "slot_unavailable")
    if response.status_code == 422:
        return Refused("rule", _error_code(response) or "unprocessable", response.text[:200])
    return Unknown(f"HTTP {response.status_code}")


@dataclass
class PreparedPost:
    """A booking is one request here: nothing to do before the commit but build it."""

    http: httpx.Client
    request: httpx.Request

    def commit(self) -> Outcome:
        try:
            return judge_booking(self.http.send(self.request))
        except httpx.TimeoutException:
            return Unknown("timeout")
        except httpx.TransportError as exc:
            return Unknown(f"{type(exc).__name__}: {first_line(exc)}")


class ReferenceApi:
    name = "reference"
    capabilities = frozenset(Capability)  # the reference service has every one

    def __init__(self, target: Target, options: Mapping[str, Any] | None = None) -> None:
        self.target = target
        options = options or {}
        self.http = httpx.Client(
            base_url=target.base_url,
            timeout=float(options.get("timeout", 30.0)),
            limits=httpx.Limits(max_connections=200, max_keepalive_connections=200),
        )
        self._services: dict[str, Service] = {}

    def preflight(self) -> str:
        needs = Needs(any_role_of=tuple(self.target.services), audit=True)
        return reference_preflight(self.target, needs, timeout=DEFAULT_TIMEOUT_S, http=self.http).line()

    def _read_service(self, service_id: str) -> Service:
        response = self.http.get(f"/services/{service_id}")
        if response.status_code != 200:
            raise CannotJudge(f"GET /services/{service_id} at {self.target.base_url} answered {response.status_code}")
        body = response.json()
        settings = body.get("bookingSettings") or {}
        return Service(
            id=str(body["id"]),
            name=str(body["name"]),
            capacity=int(settings.get("maxBookingsPerSlot", 1)),
            requires_confirmation=bool(settings.get("requireConfirmation", False)),
            calendar=str(body.get("businessName", "")),
        )

    def services(self) -> Mapping[str, Service]:
        if not self._services:
            self._services = {role: self._read_service(sid) for role, sid in self.target.services.items()}
        return self._services

    def availability(self, service_id: str, first: date, last: date) -> Sequence[Slot]:
        slots: list[Slot] = []
        while first <= last:  # the API answers at most 62 days at a time
            chunk_end = min(last, first + timedelta(days=61))
            params = {"start": first.isoformat(), "end": chunk_end.isoformat()}
            response = self.http.get(f"/services/{service_id}/availability", params=params)
            if response.status_code != 200:
                raise CannotJudge(f"availability of {service_id} answered {response.status_code}")
            slots += [
                Slot(service_id, Interval(_instant(s["startTime"]), _instant(s["endTime"])), s.get("remaining"))
                for s in response.json()["slots"]
            ]
            first = chunk_end + timedelta(days=1)
        return slots

    def prepare_booking(
        self, service_id: str, interval: Interval, client: Client, *, idempotency_key: str | None = None
    ) -> PreparedPost:
        contact = {"name": client.name, "email": client.email}
        if client.phone:
            contact["phone"] = client.phone
        body: dict[str, Any] = {"startTime": interval.start.isoformat(), "contact": contact}
        if client.notes:
            body["notes"] = client.notes
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        request = self.http.build_request("POST", f"/services/{service_id}/book", json=body, headers=headers)
        return PreparedPost(self.http, request)

    def final_state(self, first: date, last: date) -> FinalState:
        """From the database when the target names it, else the admin API's job list after one
        sign-in: the load audit's own readers."""
        from load.checker import final_state as audit_state

        window = (datetime.combine(first, time.min, UTC), datetime.combine(last + timedelta(days=1), time.min, UTC))
        calendars = {service.id: service.calendar for service in self.services().values()}
        try:
            if self.target.database_url:
                read = audit_state.read_from_database(self.target.database_url, list(calendars), window)
            else:
                read = audit_state.read_from_admin_api(self.target, window)
        except audit_state.FinalStateError as exc:
            raise CannotJudge(f"cannot read the final state: {exc}") from None
        records = [
            BookingRecord(
                booking_id=job.id,
                service_id=job.service_id or "",
                interval=Interval(job.start, job.end),
                status=job.status,
                occupies=job.active,
                capacity=read.capacity(job.service_id),
                calendar=calendars.get(job.service_id or "", next(iter(calendars.values()), "")),
                client_email=job.contact_email,
            )
            for job in read.jobs.values()
        ]
        return FinalState(tuple(records), "database" if read.source == "database" else "admin API")

    def close(self) -> None:
        self.http.close()
