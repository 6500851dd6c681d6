"""The reference adapter's Locust-speed client: the requests the load scenarios send to the
reference API through Locust's FastHttpUser (a pooled connection per user, no httpx, no
prepare/commit objects), so a race against the reference runs as fast as a raw HTTP client.

Only what to send (method, path, body, headers, Locust's name for it) and how to read the
reference's answers; the scenarios (load/scenarios) send the calls, judge and record them.
Another adapter has no such client: the load scenarios race it through `prepare_booking` and
`commit()` (load/scenarios/adapter_race.py). No Locust import here: harness modules never
monkey-patch the process that imports them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec

BOOK_NAME = "POST /services/[id]/book"
RETRY_NAME = f"{BOOK_NAME} (retry)"
LOGIN_NAME = "POST /auth/login"


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    name: str  # the row of Locust's statistics
    json: Any = None
    headers: Mapping[str, str] | None = None


def book(
    service_id: str, start: str, contact: Mapping[str, str], *, idempotency_key: str | None, retry: bool
) -> Call:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
    body = {"startTime": start, "contact": dict(contact)}
    name = RETRY_NAME if retry else BOOK_NAME
    return Call("POST", f"/services/{service_id}/book", name, body, headers)


def move(action: str, job_id: str, headers: Mapping[str, str]) -> Call:
    """confirm, decline, cancel, start, complete: a reason for those that take one."""
    body = {"reason": f"{action} by the load harness"} if action in ("decline", "cancel") else None
    return Call("POST", f"/jobs/{job_id}/{action}", f"POST /jobs/[id]/{action}", body, headers)


def create(
    title: str,
    start: str,
    end: str,
    contact: Mapping[str, str],
    service_id: str | None,
    headers: Mapping[str, str],
) -> Call:
    """An admin's job: with a service, its capacity; without, capacity 1."""
    body: dict[str, Any] = {"title": title, "startTime": start, "endTime": end, "contact": dict(contact)}
    if service_id:
        body["serviceId"] = service_id
    return Call("POST", "/jobs", "POST /jobs", body, headers)


def reschedule(job_id: str, start: str, end: str, headers: Mapping[str, str]) -> Call:
    return Call("PATCH", f"/jobs/{job_id}", "PATCH /jobs/[id]", {"startTime": start, "endTime": end}, headers)


def availability(service_id: str, first: date, last: date, name: str) -> Call:
    query = f"start={first.isoformat()}&end={last.isoformat()}"
    return Call("GET", f"/services/{service_id}/availability?{query}", name)


def jobs(first: date, last: date, status: str | None, headers: Mapping[str, str], name: str) -> Call:
    query = f"start={first.isoformat()}&end={last.isoformat()}" + (f"&status={status}" if status else "")
    return Call("GET", f"/jobs?{query}", name, headers=headers)


def login(email: str | None, password: str | None) -> Call:
    return Call("POST", "/auth/login", LOGIN_NAME, {"email": email, "password": password})


# Reading the answers.


def job_of(body: Any) -> dict[str, str | None]:
    """The job of a booking, create or reschedule answer: its id and interval as written."""
    job = body.get("job") if isinstance(body, dict) else None
    job = job if isinstance(job, dict) else {}
    return {"job_id": job.get("id"), "job_start": job.get("startTime"), "job_end": job.get("endTime")}


def bearer(body: Any) -> dict[str, str]:
    """The Authorization header a sign-in's answer grants."""
    return {"Authorization": f"Bearer {body['token']}"}


def listed_jobs(body: Any) -> list[dict[str, Any]]:
    """A job list's jobs, each with `id` and `contactEmail`; ValueError when malformed."""
    try:
        listed = body["jobs"]
        return [{"id": j["id"], "contactEmail": (j.get("contact") or {}).get("email")} for j in listed]
    except (KeyError, TypeError) as exc:
        raise ValueError(f"malformed job list: {exc}") from None


class _Slot(msgspec.Struct, rename="camel"):
    start_time: str
    remaining: int


class _Availability(msgspec.Struct):
    slots: list[_Slot]


# A typed decoder reads a month of slots several times faster than json.loads: the generator
# shares the machine with the service when run locally, so its CPU is the service's loss.
_AVAILABILITY = msgspec.json.Decoder(_Availability)


def open_slots(content: bytes) -> list[str]:
    """The starts of the slots with places left; ValueError when the answer is malformed."""
    try:
        slots = _AVAILABILITY.decode(content).slots
    except msgspec.DecodeError as exc:  # a ValidationError too
        raise ValueError(str(exc)) from None
    return [s.start_time for s in slots if s.remaining > 0]
