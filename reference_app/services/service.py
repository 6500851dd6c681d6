"""Services: public lookup, availability, and the admin CRUD. No HTTP here."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from psycopg.types.json import Jsonb

from reference_app.capacity import counting_query
from reference_app.db import Connection
from reference_app.http.errors import ApiError, not_found
from reference_app.scheduling.booking_settings import (
    BookingSettings,
    settings_from_json,
    settings_to_json,
)
from reference_app.scheduling.rules import SlotPolicy, bookable_slots
from reference_app.services.schemas import (
    Availability,
    CreateService,
    ServiceOut,
    Slot,
    UpdateService,
)
from reference_app.sql import query

MAX_AVAILABILITY_DAYS = 62


@dataclass(frozen=True)
class BookableService:
    id: UUID
    tenant_id: UUID
    name: str
    description: str
    duration_minutes: int
    active: bool
    settings: BookingSettings
    tenant_name: str
    tz: ZoneInfo
    notification_email: str

    @property
    def policy(self) -> SlotPolicy:
        return SlotPolicy(self.settings, self.duration_minutes, self.tz)


def _bookable(row: dict[str, Any] | None) -> BookableService:
    if row is None or not row["active"]:
        raise not_found("service")
    return BookableService(
        id=row["id"],
        tenant_id=row["tenant_id"],
        name=row["name"],
        description=row["description"],
        duration_minutes=row["duration_minutes"],
        active=row["active"],
        settings=settings_from_json(row["booking_settings"]),
        tenant_name=row["tenant_name"],
        tz=ZoneInfo(row["time_zone"]),
        notification_email=row["notification_email"],
    )


async def load_bookable_service(conn: Connection, service_id: UUID) -> BookableService:
    """The active service with its tenant's zone; 404 when unknown or inactive."""
    cur = await conn.execute(query("service_with_tenant"), {"service_id": service_id})
    return _bookable(await cur.fetchone())


_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _parse_day(value: str, field: str) -> date:
    if not _DAY.match(value):
        raise ApiError(422, "invalid_date", f"{field} must be a date as YYYY-MM-DD.")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "invalid_date", f"{field} must be a date as YYYY-MM-DD.") from None


def parse_day_range(start: str, end: str, max_days: int) -> tuple[date, date]:
    first, last = _parse_day(start, "start"), _parse_day(end, "end")
    if last < first:
        raise ApiError(422, "invalid_range", "end must not be before start.")
    if (last - first).days + 1 > max_days:
        raise ApiError(422, "range_too_large", f"A range may cover at most {max_days} days.")
    if first.year < 1971 or last.year >= 2200:
        raise ApiError(422, "time_out_of_range", "Dates are outside the supported years.")
    return first, last


# Local days of any zone (UTC-12 to UTC+14) lie within these UTC bounds; jobs outside the
# slots in this window are not counted anyway.
_ZONE_MARGIN = timedelta(days=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


async def availability(
    conn: Connection,
    service_id: UUID,
    first: date,
    last: date,
    now: datetime,
) -> Availability:
    """The bookable slots of the active service on its local days first..last, with the
    places left in each; 404 when the service is unknown or inactive. One statement."""
    cur = await conn.execute(
        counting_query("service_with_busy_times"),
        {
            "service_id": service_id,
            "range_start": datetime.combine(first, time(0), tzinfo=UTC) - _ZONE_MARGIN,
            "range_end": datetime.combine(last, time(0), tzinfo=UTC) + 2 * _ZONE_MARGIN,
        },
    )
    row = await cur.fetchone()
    service = _bookable(row)
    assert row is not None
    return slots_left(service, first, last, now, row["busy_starts"], row["busy_ends"])


def slots_left(
    service: BookableService,
    first: date,
    last: date,
    now: datetime,
    busy_starts: list[int],
    busy_ends: list[int],
) -> Availability:
    """Bookable slots with the places left, given the sorted starts and ends (epoch
    microseconds) of the active jobs around them.

    A job overlaps [start, end) when it starts before `end` and does not end by `start`; every
    job ending by `start` also starts before `end`, so the overlaps are a difference of two
    counts, each a binary search: O((slots + jobs) log jobs), not slots x jobs.
    """
    capacity = service.settings.max_bookings_per_slot
    duration = service.policy.duration // _MICROSECOND
    out = []
    for start, end in bookable_slots(first, last, now, service.policy):
        start_us = (start - _EPOCH) // _MICROSECOND
        busy = bisect.bisect_left(busy_starts, start_us + duration) - bisect.bisect_right(busy_ends, start_us)
        out.append(Slot(start_time=start, end_time=end, remaining=max(0, capacity - busy)))
    return Availability(service_id=service.id, time_zone=service.tz.key, slots=out)


def service_out(row: dict[str, Any]) -> ServiceOut:
    return ServiceOut(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        duration_minutes=row["duration_minutes"],
        active=row["active"],
        booking_settings=settings_from_json(row["booking_settings"]),
        created_at=row["created_at"].astimezone(UTC),
        updated_at=row["updated_at"].astimezone(UTC),
    )


async def list_services(conn: Connection, tenant_id: UUID) -> list[ServiceOut]:
    cur = await conn.execute(query("services_of_tenant"), {"tenant_id": tenant_id})
    return [service_out(row) for row in await cur.fetchall()]


async def get_service(conn: Connection, tenant_id: UUID, service_id: UUID) -> ServiceOut:
    cur = await conn.execute(query("service_of_tenant"), {"tenant_id": tenant_id, "service_id": service_id})
    row = await cur.fetchone()
    if row is None:
        raise not_found("service")
    return service_out(row)


async def create_service(conn: Connection, tenant_id: UUID, body: CreateService) -> ServiceOut:
    cur = await conn.execute(
        query("insert_service"),
        {
            "tenant_id": tenant_id,
            "name": body.name.strip(),
            "description": body.description,
            "duration_minutes": body.duration_minutes,
            "active": body.active,
            "booking_settings": Jsonb(settings_to_json(body.booking_settings)),
        },
    )
    row = await cur.fetchone()
    assert row is not None
    return service_out(row)


async def update_service(
    conn: Connection, tenant_id: UUID, service_id: UUID, body: UpdateService
) -> ServiceOut:
    async with conn.transaction():
        current = await get_service(conn, tenant_id, service_id)
        cur = await conn.execute(
            query("update_service"),
            {
                "tenant_id": tenant_id,
                "service_id": service_id,
                "name": body.name.strip() if body.name is not None else current.name,
                "description": _pick(body.description, current.description),
                "duration_minutes": _pick(body.duration_minutes, current.duration_minutes),
                "active": _pick(body.active, current.active),
                "booking_settings": Jsonb(
                    settings_to_json(_pick(body.booking_settings, current.booking_settings))
                ),
            },
        )
        row = await cur.fetchone()
        assert row is not None
        return service_out(row)


def _pick(new: Any, old: Any) -> Any:
    return old if new is None else new


async def delete_service(conn: Connection, tenant_id: UUID, service_id: UUID) -> None:
    """Deletes the service; its jobs stay, detached from it."""
    cur = await conn.execute(query("delete_service"), {"tenant_id": tenant_id, "service_id": service_id})
    if await cur.fetchone() is None:
        raise not_found("service")
