"""An adapter for a booking system with a JSON API: the example to copy for your own system.

It speaks an API shaped like the reference service's (its test runs it against the reference).
Copy it into your own repository, change the routes, field names and status words to your API's,
and name the class in your target file: "adapter": "your_package.module:JsonApiSystem". It
declares the three capabilities the race, the audit and the checklist's API checks start from;
each checklist item that needs another is reported not applicable, naming it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import httpx

from harness import model
from harness.exit_codes import CannotJudge
from harness.model import Capability, Interval, Outcome
from harness.target import Target

# Your API's routes and words.
SERVICE = "/services/{id}"
SLOTS = "/services/{id}/availability"  # ?start=YYYY-MM-DD&end=YYYY-MM-DD
BOOK = "/services/{id}/book"
SIGN_IN = "/auth/login"
BOOKINGS = "/jobs"  # ?start=YYYY-MM-DD&end=YYYY-MM-DD, staff only
HOLDS_ITS_TIME = frozenset({"pending-confirmation", "scheduled", "in-progress"})


def interval_of(item: Mapping[str, Any]) -> Interval:
    start, end = (datetime.fromisoformat(item[k].replace("Z", "+00:00")) for k in ("startTime", "endTime"))
    return Interval(start, end)


def error_code(answer: httpx.Response) -> str:
    try:
        return str(answer.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {answer.status_code}"


def judge(answer: httpx.Response) -> Outcome:
    """201 booked; 409 the slot is taken; 422 a rule said no; anything else may have booked."""
    if answer.status_code == 201:
        booking = answer.json()["job"]
        return model.Booked(str(booking["id"]), interval_of(booking), booking["status"])
    if answer.status_code in (409, 422):
        return model.Refused("taken" if answer.status_code == 409 else "rule", error_code(answer))
    return model.Unknown(f"HTTP {answer.status_code}")


@dataclass
class PreparedRequest:
    """A booking is one request here. For a flow of several (a form, a code), do every step but
    the last in prepare_booking and keep what the last one needs (its session) in this object."""

    http: httpx.Client
    request: httpx.Request

    def commit(self) -> Outcome:
        try:
            return judge(self.http.send(self.request))
        except httpx.TimeoutException:
            return model.Unknown("timeout")
        except httpx.TransportError as exc:
            return model.Unknown(f"connection lost: {type(exc).__name__}")


class JsonApiSystem:
    name = "json-api-example"
    capabilities = frozenset({Capability.PUBLIC_BOOKING, Capability.AVAILABILITY, Capability.FINAL_STATE})

    def __init__(self, target: Target, options: Mapping[str, Any] | None = None) -> None:
        self.target = target
        timeout = float((options or {}).get("timeout", 30))
        self.http = httpx.Client(base_url=target.base_url, timeout=timeout)  # shared by the racers

    def preflight(self) -> str:
        """Seconds before a run: every service the target names exists, and the admin signs in."""
        for role, service_id in self.target.services.items():
            answer = self.http.get(SERVICE.format(id=service_id))
            if answer.status_code != 200:
                raise CannotJudge(
                    f"service {role!r} ({service_id}): GET {answer.url} answered {answer.status_code}"
                )
        self._sign_in()
        return f"{len(self.target.services)} service(s) found; {self.target.admin_email} signed in"

    def services(self) -> Mapping[str, model.Service]:
        found = {}
        for role, service_id in self.target.services.items():
            body = self.http.get(SERVICE.format(id=service_id)).raise_for_status().json()
            settings = body.get("bookingSettings") or {}
            capacity = int(settings.get("maxBookingsPerSlot", 1))
            confirms = bool(settings.get("requireConfirmation", False))
            # The calendar is whose time the bookings take: here, the business's.
            found[role] = model.Service(
                service_id, body["name"], capacity, confirms, body.get("businessName", "")
            )
        return found

    def availability(self, service_id: str, first: date, last: date) -> Sequence[model.Slot]:
        window = {"start": first.isoformat(), "end": last.isoformat()}  # at most 62 days here
        body = self.http.get(SLOTS.format(id=service_id), params=window).raise_for_status().json()
        return [model.Slot(service_id, interval_of(s), s.get("remaining")) for s in body["slots"]]

    def prepare_booking(
        self, service_id: str, interval: Interval, client: model.Client, *, idempotency_key: str | None = None
    ) -> PreparedRequest:
        if idempotency_key is not None:  # not declared: the harness must not rely on it
            raise model.MissingCapability(self.name, Capability.IDEMPOTENCY_KEYS)
        contact = {"name": client.name, "email": client.email}
        body = {"startTime": interval.start.isoformat(), "contact": contact}
        return PreparedRequest(
            self.http, self.http.build_request("POST", BOOK.format(id=service_id), json=body)
        )

    def _sign_in(self) -> dict[str, str]:
        answer = self.http.post(
            SIGN_IN, json={"email": self.target.admin_email, "password": self.target.admin_password}
        )
        if answer.status_code != 200:
            raise CannotJudge(
                f"the admin sign-in at {answer.url} answered {answer.status_code}: check admin in the target"
            )
        return {"Authorization": f"Bearer {answer.json()['token']}"}

    def final_state(self, first: date, last: date) -> model.FinalState:
        """Every booking of those days, as staff see it: the audit judges these."""
        services = {s.id: s for s in self.services().values()}
        window = {"start": first.isoformat(), "end": last.isoformat()}
        listed = self.http.get(BOOKINGS, params=window, headers=self._sign_in()).raise_for_status().json()
        records = []
        for booking in listed["jobs"]:
            service = services.get(str(booking.get("serviceId")))
            occupies = booking["status"] in HOLDS_ITS_TIME  # whether its status holds its time
            capacity, calendar = (service.capacity, service.calendar) if service else (1, "")
            email = (booking.get("contact") or {}).get("email")
            records.append(model.BookingRecord(str(booking["id"]), str(booking.get("serviceId")),
                interval_of(booking), booking["status"], occupies, capacity, calendar, email))  # fmt: skip
        return model.FinalState(tuple(records), read_from="staff API")

    def close(self) -> None:
        self.http.close()
