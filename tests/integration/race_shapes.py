"""The shapes of overlap the two-process race fires, and the one checker that judges them all.

Each shape builds its own services on a fresh tenant's calendar, then a list of labelled
requests that all land at once (last-byte synchronised, alternating between two server
processes): public bookings of different services on one instant, bookings of intervals that
overlap only in part, admin writers (create, reschedule, cancel) against public bookings, and
bookings of the place left beside a job under way (in-progress).
The checker reads the calendar's final state from the database and finds every time that holds
more active jobs than its capacities allow (harness.overbooking, the Locust audit's own
finder), naming the jobs and the requests that made them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from harness.overbooking import Overbooking
from load.checker.audit import double_bookings
from load.checker.final_state import read_from_database
from reference_app.local.seed import SeedResult
from reference_app.local.stack import ServerProcess
from tests.integration.last_byte_sync import RawRequest, RawResponse, fire_synchronised

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAY = {day: [{"start": "00:00", "end": "24:00"}] for day in WEEKDAYS}
DAYS_AHEAD = 3
# Answers a racer may get besides success: the promised refusals of a full calendar.
REFUSALS = {(409, "slot_unavailable"), (409, "job_conflict")}


@dataclass(frozen=True)
class Labelled:
    label: str  # what the request is, e.g. "book standard 10:00" or "admin create"
    request: RawRequest


class Calendar:
    """One tenant's calendar, reached through two server processes, with an admin token."""

    def __init__(self, servers: Sequence[ServerProcess], tenant: SeedResult) -> None:
        self.servers = list(servers)
        self.tenant = tenant
        self.http = httpx.Client(base_url=servers[0].url, timeout=15)
        login = self.http.post(
            "/auth/login", json={"email": tenant.admin_email, "password": tenant.admin_password}
        )
        assert login.status_code == 200, login.text
        self.auth = {"Authorization": f"Bearer {login.json()['token']}"}
        self.tz = ZoneInfo(tenant.time_zone)
        self.day = (datetime.now(self.tz) + timedelta(days=DAYS_AHEAD)).date()

    def close(self) -> None:
        self.http.close()

    def at(self, hour: int, minute: int = 0, day_offset: int = 0) -> datetime:
        """A local wall time on the race day (10:00 and later exist on every day, DST too)."""
        return datetime.combine(self.day + timedelta(days=day_offset), time(hour, minute), tzinfo=self.tz)

    def service(self, name: str, minutes: int, *, capacity: int = 1, confirm: bool = False) -> str:
        created = self.http.post(
            "/admin/services",
            headers=self.auth,
            json={
                "name": name,
                "durationMinutes": minutes,
                "bookingSettings": {
                    "workingHours": ALL_DAY,
                    "slotIntervalMinutes": 30,
                    "maxBookingsPerSlot": capacity,
                    "advanceBookingDays": 60,
                    "requireConfirmation": confirm,
                },
            },
        )
        assert created.status_code == 201, created.text
        return str(created.json()["service"]["id"])

    def admin_job(self, start: datetime, end: datetime, title: str) -> str:
        """A job the admin places before the race (sequentially: no race here)."""
        created = self.http.post(
            "/jobs",
            headers=self.auth,
            json={"title": title, "startTime": start.isoformat(), "endTime": end.isoformat()},
        )
        assert created.status_code == 201, created.text
        return str(created.json()["job"]["id"])

    def start_now(self, job_id: str) -> None:
        """Put a job under way before the race (the reference allows it before its time)."""
        started = self.http.post(f"/jobs/{job_id}/start", headers=self.auth)
        assert started.status_code == 200, started.text
        assert started.json()["job"]["status"] == "in-progress", started.text

    def book_now(self, service_id: str, start: datetime, who: str) -> str:
        booked = self.http.post(
            f"/services/{service_id}/book",
            json={"startTime": start.isoformat(), "contact": {"name": who, "email": f"{who}@example.com"}},
        )
        assert booked.status_code == 201, booked.text
        return str(booked.json()["job"]["id"])

    def _url(self, index: int) -> str:
        return self.servers[index % len(self.servers)].url

    def book(self, index: int, service_id: str, start: datetime, tag: str) -> Labelled:
        body = {
            "startTime": start.isoformat(),
            "contact": {"name": f"Racer {tag} {index}", "email": f"racer-{tag}-{index}@example.com"},
        }
        request = RawRequest.post_json(self._url(index), f"/services/{service_id}/book", body)
        return Labelled(f"book {service_id[:8]} at {start.time()}", request)

    def create(self, index: int, start: datetime, end: datetime) -> Labelled:
        body = {"title": f"Admin job {index}", "startTime": start.isoformat(), "endTime": end.isoformat()}
        request = RawRequest.post_json(self._url(index), "/jobs", body, self.auth)
        return Labelled(f"admin create {start.time()}-{end.time()}", request)

    def move(self, index: int, job_id: str, start: datetime, end: datetime) -> Labelled:
        body = {"startTime": start.isoformat(), "endTime": end.isoformat()}
        request = RawRequest.with_json("PATCH", self._url(index), f"/jobs/{job_id}", body, self.auth)
        return Labelled(f"admin reschedule {job_id[:8]} to {start.time()}-{end.time()}", request)

    def cancel(self, index: int, job_id: str) -> Labelled:
        body = {"reason": "freeing room during the race"}
        request = RawRequest.post_json(self._url(index), f"/jobs/{job_id}/cancel", body, self.auth)
        return Labelled(f"admin cancel {job_id[:8]}", request)


@dataclass(frozen=True)
class RaceResult:
    """What a race did, on the wire and in the calendar's final state."""

    labels: list[str]
    responses: list[RawResponse]
    overbookings: list[Overbooking]
    unexpected: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # the final state's, job by job

    @property
    def acknowledged(self) -> int:
        return sum(1 for r in self.responses if r.status in (200, 201))

    def requests_of(self, job_id: str) -> list[str]:
        return [
            f"#{i} {label}"
            for i, (label, r) in enumerate(zip(self.labels, self.responses, strict=True))
            if r.status in (200, 201) and r.json()["job"]["id"] == job_id
        ]

    def evidence(self) -> list[dict[str, Any]]:
        """Each over-filled time: the interval, the capacity, the jobs and the requests."""
        return [
            {
                "start": b.start.isoformat(),
                "end": b.end.isoformat(),
                "capacity": b.capacity,
                "jobs": {job: self.requests_of(job) for job in b.job_ids},
                "statuses": {job: self.statuses.get(job, "unknown") for job in b.job_ids},
            }
            for b in self.overbookings
        ]

    @property
    def violations(self) -> list[str]:
        found = [f"over-filled: {e}" for e in self.evidence()]
        return found + self.unexpected + self.lost


def _judge(labels: list[str], responses: Sequence[RawResponse]) -> tuple[list[str], set[str]]:
    unexpected: list[str] = []
    acknowledged: set[str] = set()
    for index, (label, response) in enumerate(zip(labels, responses, strict=True)):
        if response.status in (200, 201):
            acknowledged.add(response.json()["job"]["id"])
            continue
        code = response.json().get("error", {}).get("code") if response.body.startswith(b"{") else None
        if (response.status, code) not in REFUSALS:
            unexpected.append(f"#{index} {label}: {response.status} {response.body[:300]!r}")
    return unexpected, acknowledged


def race(calendar: Calendar, racers: Sequence[Labelled], database_url: str) -> RaceResult:
    """Fire the racers at once, then judge the answers and the calendar's final state."""
    labels = [r.label for r in racers]
    responses = fire_synchronised([r.request for r in racers])
    unexpected, acknowledged = _judge(labels, responses)
    window = (calendar.at(0, day_offset=-2), calendar.at(0, day_offset=16))
    state = read_from_database(database_url, calendar.tenant.services.values(), window)
    missing = sorted(job for job in acknowledged if job not in state.jobs)
    lost = [f"acknowledged job {job} is not in the database" for job in missing]
    statuses = {job.id: job.status for job in state.jobs.values()}
    return RaceResult(labels, list(responses), double_bookings(state), unexpected, lost, statuses)


# A shape: given a calendar and an attempt number (each attempt races on its own day), the racers.
Shape = Callable[[Calendar, int], list[Labelled]]
RACERS = 40


def same_slot(calendar: Calendar, attempt: int) -> list[Labelled]:
    """Today's race: everyone books one slot of one service."""
    service = calendar.service("Same slot", 60)
    start = calendar.at(10, day_offset=attempt)
    return [calendar.book(i, service, start, f"same{attempt}") for i in range(RACERS)]


def cross_service(calendar: Calendar, attempt: int) -> list[Labelled]:
    """Different services of one calendar on the same instant: capacity 1, capacity 1 with
    confirmation (pending jobs hold their place too) and capacity 2."""
    services = [
        calendar.service("Instant", 60),
        calendar.service("Needs confirmation", 60, confirm=True),
        calendar.service("Pair", 60, capacity=2),
    ]
    start = calendar.at(10, day_offset=attempt)
    return [calendar.book(i, services[i % 3], start, f"cross{attempt}") for i in range(RACERS)]


def offset_intervals(calendar: Calendar, attempt: int) -> list[Labelled]:
    """Intervals of different lengths overlapping only in part: a 2-hour job from 10:00 against
    an hour from 11:00, and a 90-minute job from 10:30 against the same hour."""
    long_job = calendar.service("Two hours", 120)
    ninety = calendar.service("Ninety minutes", 90)
    hour = calendar.service("One hour", 60)
    picks = [
        (long_job, calendar.at(10, day_offset=attempt)),
        (ninety, calendar.at(10, 30, day_offset=attempt)),
        (hour, calendar.at(11, day_offset=attempt)),
    ]
    return [calendar.book(i, *picks[i % 3], f"offset{attempt}") for i in range(RACERS)]


def admin_against_public(calendar: Calendar, attempt: int) -> list[Labelled]:
    """Admin writers against public bookings of one hour: creates (on the hour and offset by
    half an hour) and reschedules of jobs from elsewhere onto it; two hours later a cancel frees
    a booked place while others book it."""
    service = calendar.service("Public hour", 60)
    start = calendar.at(10, day_offset=attempt)
    later = calendar.at(12, day_offset=attempt)
    hour, half = timedelta(hours=1), timedelta(minutes=30)
    parked_day = 20 + attempt  # far from every race day
    parked = [
        calendar.admin_job(calendar.at(h, day_offset=parked_day), calendar.at(h, 30, parked_day), "P")
        for h in range(10, 16)
    ]
    booked = calendar.book_now(service, later, f"early-{attempt}")
    racers = [calendar.cancel(0, booked)]
    racers += [calendar.book(i, service, later, f"freed{attempt}") for i in range(1, 6)]
    racers += [calendar.move(i, job, start + half, start + half + hour) for i, job in enumerate(parked, 6)]
    racers += [calendar.create(i, start, start + hour) for i in range(12, 18)]
    racers += [calendar.create(i, start + half, start + half + hour) for i in range(18, 24)]
    racers += [calendar.book(i, service, start, f"admin{attempt}") for i in range(24, RACERS)]
    return racers


def started_job(calendar: Calendar, attempt: int) -> list[Labelled]:
    """A slot of capacity 2 whose first job is under way (in-progress): the racers share the
    one place left, as a started job still holds its own."""
    service = calendar.service("Pair with a job under way", 60, capacity=2)
    start = calendar.at(10, day_offset=attempt)
    calendar.start_now(calendar.book_now(service, start, f"started-{attempt}"))
    return [calendar.book(i, service, start, f"started{attempt}") for i in range(RACERS)]


SHAPES: dict[str, Shape] = {
    "same-slot": same_slot,
    "cross-service": cross_service,
    "offset-intervals": offset_intervals,
    "admin-vs-public": admin_against_public,
    "started-job": started_job,
}
