"""Services: public lookup, availability, and the admin CRUD. No HTTP here."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from psycopg.types.json import Jsonb

from reference_app.db import Connection
from reference_app.errors import ApiError, not_found
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


async def load_bookable_service(conn: Connection, service_id: UUID) -> BookableService:
    """The active service with its tenant's zone; 404 when unknown or inactive."""
    cur = await conn.execute(query("service_with_tenant"), {"service_id": service_id})
    row = await cur.fetchone()
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


async def availability(
    conn: Connection, service: BookableService, first: date, last: date, now: datetime
) -> Availability:
    slots = list(bookable_slots(first, last, now, service.policy))
    capacity = service.settings.max_bookings_per_slot
    taken: list[tuple[datetime, datetime]] = []
    if slots:
        cur = await conn.execute(
            query("active_jobs_in_range"),
            {"tenant_id": service.tenant_id, "range_start": slots[0][0], "range_end": slots[-1][1]},
        )
        taken = [(row["start_time"], row["end_time"]) for row in await cur.fetchall()]
    # A job overlaps [start, end) when it starts before `end` and does not end by `start`; every
    # job ending by `start` also starts before `end`, so the overlaps are a difference of two
    # counts, each a binary search: O((slots + jobs) log jobs), not slots x jobs.
    starts = sorted(s for s, _ in taken)
    ends = sorted(e for _, e in taken)
    out = []
    for start, end in slots:
        busy = bisect.bisect_left(starts, end) - bisect.bisect_right(ends, start)
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
