"""Per-service booking settings: working hours in the tenant's local time and the booking policy."""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

import msgspec

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# (?!\n): see wire_types._END. A start cannot be 24:00, an end can: the schema says so.
StartWallTime = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$(?!\n)",
        description="Local wall-clock time HH:MM",
        examples=["09:00"],
    ),
]
WallTime = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$(?!\n)",
        description="Local wall-clock time HH:MM (24:00 allowed as an end)",
        examples=["17:00"],
    ),
]

WORKING_HOURS_RULE = "invalid_working_hours"


class RuleViolation(ValueError):
    """A rule between fields that no schema states; its code names it in the 422."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def wall_minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


class WorkingInterval(msgspec.Struct, forbid_unknown_fields=True):
    start: StartWallTime
    end: WallTime

    def __post_init__(self) -> None:
        # Decoding never gets here with 24:00 (StartWallTime); code building one directly can.
        if wall_minutes(self.start) >= 24 * 60:
            raise ValueError("a working interval cannot start at 24:00")
        if wall_minutes(self.end) <= wall_minutes(self.start):
            message = f"working interval {self.start}-{self.end} must end after it starts"
            raise RuleViolation(WORKING_HOURS_RULE, message)

    @property
    def start_minutes(self) -> int:
        return wall_minutes(self.start)

    @property
    def end_minutes(self) -> int:
        return wall_minutes(self.end)


def _default_hours() -> dict[Weekday, list[WorkingInterval]]:
    return {day: [WorkingInterval("09:00", "17:00")] for day in WEEKDAYS[:5]}


MAX_INTERVALS_PER_DAY = 8


class BookingSettings(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    working_hours: dict[
        Weekday, Annotated[list[WorkingInterval], msgspec.Meta(max_length=MAX_INTERVALS_PER_DAY)]
    ] = msgspec.field(default_factory=_default_hours)
    slot_interval_minutes: Annotated[int, msgspec.Meta(ge=5, le=1440)] = 30
    same_day_booking: bool = True
    advance_booking_days: Annotated[int, msgspec.Meta(ge=0, le=730)] = 60
    minimum_notice_minutes: Annotated[int, msgspec.Meta(ge=0, le=60 * 24 * 30)] = 0
    max_bookings_per_slot: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1
    require_confirmation: bool = False

    def __post_init__(self) -> None:
        for day, intervals in self.working_hours.items():
            ordered = sorted(intervals, key=lambda iv: iv.start_minutes)
            for before, after in itertools.pairwise(ordered):
                if after.start_minutes < before.end_minutes:
                    raise RuleViolation(WORKING_HOURS_RULE, f"working intervals on {day} overlap")
            self.working_hours[day] = ordered

    def intervals_on(self, weekday_index: int) -> list[WorkingInterval]:
        return self.working_hours.get(WEEKDAYS[weekday_index], [])


def settings_from_json(raw: object) -> BookingSettings:
    return msgspec.convert(raw, BookingSettings)


def settings_to_json(settings: BookingSettings) -> object:
    return msgspec.to_builtins(settings)
