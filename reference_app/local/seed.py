"""Demo data: a tenant outside UTC, its admin, and services with different booking settings."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from reference_app.auth.service import hash_password
from reference_app.scheduling.booking_settings import (
    WEEKDAYS,
    BookingSettings,
    WorkingInterval,
    settings_to_json,
)
from reference_app.sql import query

WEEKDAY_HOURS = {day: [WorkingInterval("09:00", "17:00")] for day in WEEKDAYS[:5]}
ALL_DAY = {day: [WorkingInterval("00:00", "24:00")] for day in WEEKDAYS}

DEMO_SERVICES: list[tuple[str, str, int, BookingSettings]] = [
    (
        "standard",
        "Standard visit",
        60,
        BookingSettings(working_hours=WEEKDAY_HOURS, slot_interval_minutes=60),
    ),
    (
        "consultation",
        "Consultation (needs confirmation)",
        30,
        BookingSettings(
            working_hours=WEEKDAY_HOURS,
            slot_interval_minutes=30,
            same_day_booking=False,
            minimum_notice_minutes=120,
            advance_booking_days=30,
            require_confirmation=True,
        ),
    ),
    (
        "workshop",
        "Group workshop",
        90,
        BookingSettings(
            working_hours={"sat": [WorkingInterval("10:00", "16:00")]},
            slot_interval_minutes=90,
            max_bookings_per_slot=3,
        ),
    ),
    (
        "callout",
        "Emergency call-out (24/7)",
        30,
        BookingSettings(working_hours=ALL_DAY, slot_interval_minutes=30, max_bookings_per_slot=2),
    ),
]


@dataclass(frozen=True)
class SeedResult:
    tenant_id: str
    tenant_name: str
    time_zone: str
    admin_email: str
    admin_password: str
    services: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def seed(
    database_url: str,
    *,
    tenant_name: str = "Demo Home Services",
    time_zone: str = "America/New_York",
    admin_email: str | None = None,
    admin_password: str | None = None,
    admin_name: str = "Demo Admin",
) -> SeedResult:
    """Create a new demo tenant with its admin and services; returns ids and credentials."""
    email = admin_email or f"admin-{secrets.token_hex(4)}@demo.example.com"
    password = admin_password or secrets.token_urlsafe(12)
    with psycopg.connect(database_url, row_factory=dict_row) as conn, conn.transaction():
        tenant = conn.execute(
            query("insert_tenant"),
            {"name": tenant_name, "time_zone": time_zone, "notification_email": email},
        ).fetchone()
        assert tenant is not None
        conn.execute(
            query("insert_admin_user"),
            {
                "tenant_id": tenant["id"],
                "email": email,
                "name": admin_name,
                "password_hash": hash_password(password),
            },
        )
        service_ids = {}
        for key, name, minutes, settings in DEMO_SERVICES:
            row = conn.execute(
                query("insert_service"),
                {
                    "tenant_id": tenant["id"],
                    "name": name,
                    "description": "",
                    "duration_minutes": minutes,
                    "active": True,
                    "booking_settings": Jsonb(settings_to_json(settings)),
                },
            ).fetchone()
            assert row is not None
            service_ids[key] = str(row["id"])
    return SeedResult(
        tenant_id=str(tenant["id"]),
        tenant_name=tenant_name,
        time_zone=time_zone,
        admin_email=email,
        admin_password=password,
        services=service_ids,
    )
