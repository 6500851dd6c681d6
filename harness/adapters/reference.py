"""The reference service's JSON API as an adapter: the default, and the example for a system
with a JSON API like it. One keep-alive HTTP client per adapter, shared by the racing threads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

import httpx

from harness import model
from harness.exit_codes import CannotJudge, first_line
from harness.preflight import Needs, reference_preflight
from harness.target import Target


def _interval(data: Mapping[str, str]) -> model.Interval:
    start, end = (datetime.fromisoformat(data[k].replace("Z", "+00:00")) for k in ("startTime", "endTime"))
    return model.Interval(start.astimezone(UTC), end.astimezone(UTC))


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"


def judge_booking(response: httpx.Response) -> model.Outcome:
    """201 booked; 409 the slot is taken; 422 a rule (or the request) refused; else unknown."""
    if response.status_code == 201:
        job = response.json()["job"]
        return model.Booked(job["id"], _interval(job), job["status"])
    if response.status_code in (409, 422):
        reason: Literal["taken", "rule"] = "taken" if response.status_code == 409 else "rule"
        return model.Refused(reason, _error_code(response), response.text[:200])
    return model.Unknown(f"HTTP {response.status_code}")


@dataclass
class PreparedPost:  # a booking is one request here: nothing to prepare but the request itself
    http: httpx.Client
    request: httpx.Request

    def commit(self) -> model.Outcome:
        try:
            return judge_booking(self.http.send(self.request))
        except httpx.TimeoutException:
            return model.Unknown("timeout")
        except httpx.TransportError as exc:
            return model.Unknown(f"{type(exc).__name__}: {first_line(exc)}")


class ReferenceApi:
    name = "reference"
    capabilities = frozenset(model.Capability)  # the reference service has every one

    def __init__(self, target: Target, options: Mapping[str, Any] | None = None) -> None:
        self.target = target
        timeout = float((options or {}).get("timeout", 30.0))
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)  # racers keep theirs
        self.http = httpx.Client(base_url=target.base_url, timeout=timeout, limits=limits)
        self._services: dict[str, model.Service] = {}

    def preflight(self) -> str:
        needs = Needs(any_role_of=tuple(self.target.services), audit=True)
        return reference_preflight(self.target, needs, http=self.http).line()

    def _get(self, path: str, **params: str) -> Any:
        response = self.http.get(path, params=params)
        if response.status_code != 200:
            raise CannotJudge(f"GET {path} at {self.target.base_url} answered {response.status_code}")
        return response.json()

    def services(self) -> Mapping[str, model.Service]:
        for role, service_id in self.target.services.items():
            if role not in self._services:
                body = self._get(f"/services/{service_id}")
                settings = body.get("bookingSettings") or {}
                self._services[role] = model.Service(
                    id=str(body["id"]),
                    name=str(body["name"]),
                    capacity=int(settings.get("maxBookingsPerSlot", 1)),
                    requires_confirmation=bool(settings.get("requireConfirmation", False)),
                    calendar=str(body.get("businessName", "")),  # a business's services share its time
                )
        return self._services

    def availability(self, service_id: str, first: date, last: date) -> Sequence[model.Slot]:
        slots: list[model.Slot] = []
        while first <= last:  # the API answers at most 62 days at a time
            end = min(last, first + timedelta(days=61))
            body = self._get(f"/services/{service_id}/availability", start=f"{first}", end=f"{end}")
            slots += [model.Slot(service_id, _interval(s), s.get("remaining")) for s in body["slots"]]
            first = end + timedelta(days=1)
        return slots

    def prepare_booking(
        self,
        service_id: str,
        interval: model.Interval,
        client: model.Client,
        *,
        idempotency_key: str | None = None,
    ) -> PreparedPost:
        contact = {
            "name": client.name,
            "email": client.email,
            **({"phone": client.phone} if client.phone else {}),
        }
        body = {"startTime": interval.start.isoformat(), "contact": contact}
        body |= {"notes": client.notes} if client.notes else {}
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        request = self.http.build_request("POST", f"/services/{service_id}/book", json=body, headers=headers)
        return PreparedPost(self.http, request)

    def final_state(self, first: date, last: date) -> model.FinalState:
        """The load audit's readers: the database when the target names it, else the admin API."""
        from load.checker import final_state as audit

        window = (datetime.combine(first, time.min, UTC), datetime.combine(last, time.max, UTC))
        calendars = {service.id: service.calendar for service in self.services().values()}
        try:
            if self.target.database_url:
                read = audit.read_from_database(self.target.database_url, list(calendars), window)
            else:
                read = audit.read_from_admin_api(self.target, window)
        except audit.FinalStateError as exc:
            raise CannotJudge(f"cannot read the final state of {self.target.base_url}: {exc}") from None
        business = next(iter(calendars.values()), "")  # every service of the business shares its time
        records = tuple(
            model.BookingRecord(
                job.id,
                job.service_id or "",
                model.Interval(job.start, job.end),
                job.status,
                occupies=job.active,
                capacity=read.capacity(job.service_id),
                calendar=calendars.get(job.service_id or "", business),
                client_email=job.contact_email,
            )
            for job in read.jobs.values()
        )
        return model.FinalState(records, "database" if read.source == "database" else "admin API")

    def close(self) -> None:
        self.http.close()
