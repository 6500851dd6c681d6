"""Wire shapes of services and their availability."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from reference_app.http.wire_types import Name, Notes
from reference_app.scheduling.booking_settings import BookingSettings

Duration = Annotated[int, msgspec.Meta(ge=5, le=1440, description="Minutes")]


class PublicService(msgspec.Struct, rename="camel"):
    id: UUID
    name: str
    description: str
    duration_minutes: int
    business_name: str
    time_zone: str
    booking_settings: BookingSettings


class Slot(msgspec.Struct, rename="camel"):
    start_time: datetime
    end_time: datetime
    remaining: int


class Availability(msgspec.Struct, rename="camel"):
    service_id: UUID
    time_zone: str
    slots: list[Slot]


class ServiceOut(msgspec.Struct, rename="camel"):
    id: UUID
    name: str
    description: str
    duration_minutes: int
    active: bool
    booking_settings: BookingSettings
    created_at: datetime
    updated_at: datetime


class ServiceEnvelope(msgspec.Struct):
    service: ServiceOut


class ServiceList(msgspec.Struct):
    services: list[ServiceOut]


class CreateService(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: Name
    duration_minutes: Duration
    description: Notes = ""
    active: bool = True
    booking_settings: BookingSettings = msgspec.field(default_factory=BookingSettings)


class UpdateService(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: Name | None = None
    duration_minutes: Duration | None = None
    description: Notes | None = None
    active: bool | None = None
    booking_settings: BookingSettings | None = None
