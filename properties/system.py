"""The booking system the machines drive: in-process (the reference app on a real PostgreSQL,
with a settable clock) or a live target URL (no clock control)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx

from harness.adapters.reference_client import BookingApi
from properties.model import OCCUPYING
from reference_app.clock import SettableClock

ALL_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class TenantSession:
    """A tenant's admin session and a calendar day no earlier example has touched: capacity is
    counted across the tenant's services, so examples must not share days."""

    api: BookingApi
    tz: ZoneInfo
    day: date
    tenant_id: str | None = None

    def create_service(self, *, duration: int, interval: int, capacity: int, confirm: bool) -> str:
        response = self.api.create_service(
            {
                "name": f"Property service {uuid.uuid4().hex[:6]}",
                "durationMinutes": duration,
                "bookingSettings": {
                    "workingHours": {d: [{"start": "00:00", "end": "24:00"}] for d in ALL_WEEK},
                    "slotIntervalMinutes": interval,
                    "maxBookingsPerSlot": capacity,
                    "requireConfirmation": confirm,
                    "advanceBookingDays": 730,
                },
            }
        )
        assert response.status_code == 201, response.text
        return str(response.json()["service"]["id"])


@dataclass
class BookingSystem:
    """What the machines need: a way to open tenant sessions, and the clock when it is ours."""

    open_session: Callable[[], TenantSession]
    clock: SettableClock | None
    description: str
    # In-process only: a tenant (logged in) whose business runs in the given IANA zone.
    tenant_in_zone: Callable[[str], TenantSession] | None = None

    def now(self) -> datetime:
        return self.clock.now() if self.clock is not None else datetime.now(UTC)


def local_instant(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    """The instant of local wall time day + minutes (used on days without DST changes)."""
    return datetime.combine(day, time(0), tzinfo=tz) + timedelta(minutes=minutes)


HORIZON_DAYS = 700  # the services the machines create allow booking 730 days ahead


def live_sessions(base_url: str, email: str, password: str) -> Callable[[], TenantSession]:
    """Sessions on a live target: one login, and each example on the next day from 3 days out
    that holds no active job of the tenant: capacity counts every service of the calendar, so a
    day that an earlier run, another suite or a real client booked would refuse the machine's
    bookings (a second run against the same staging tenant must pass as the first did)."""
    api = BookingApi(base_url, client=httpx.Client(base_url=base_url, timeout=30))
    login = api.login(email, password)
    assert login.status_code == 200, f"cannot log in to {base_url}: {login.text}"
    user = login.json()["user"]
    tz = ZoneInfo(user["timeZone"])
    days = iter(
        (datetime.now(UTC).astimezone(tz) + timedelta(days=3 + n)).date() for n in range(HORIZON_DAYS)
    )

    def day_is_free(day: date) -> bool:
        response = api.jobs(day, day, sorted(OCCUPYING))
        assert response.status_code == 200, f"cannot list jobs on {day}: {response.text}"
        return not response.json()["jobs"]

    def open_session() -> TenantSession:
        day = next((d for d in days if day_is_free(d)), None)
        assert day is not None, f"no free day within {HORIZON_DAYS} days on {base_url}"
        return TenantSession(api, tz, day, str(user["tenantId"]))

    return open_session
