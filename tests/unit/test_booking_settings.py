"""Pure unit tests for BookingSettings / WorkingInterval validation and their JSON form."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from reference_app.scheduling.booking_settings import (
    WEEKDAYS,
    BookingSettings,
    WorkingInterval,
    settings_from_json,
    settings_to_json,
    wall_minutes,
)

DEFAULT_JSON: dict[str, Any] = {
    "workingHours": {day: [{"start": "09:00", "end": "17:00"}] for day in WEEKDAYS[:5]},
    "slotIntervalMinutes": 30,
    "sameDayBooking": True,
    "advanceBookingDays": 60,
    "minimumNoticeMinutes": 0,
    "maxBookingsPerSlot": 1,
    "requireConfirmation": False,
}


def hours(*intervals: tuple[str, str], day: str = "mon") -> dict[str, Any]:
    return {"workingHours": {day: [{"start": s, "end": e} for s, e in intervals]}}


@pytest.mark.parametrize(
    ("value", "minutes"),
    [("00:00", 0), ("00:01", 1), ("09:30", 570), ("23:59", 1439), ("24:00", 1440)],
)
def test_wall_minutes(value: str, minutes: int) -> None:
    assert wall_minutes(value) == minutes


def test_defaults() -> None:
    settings = BookingSettings()
    assert settings.slot_interval_minutes == 30
    assert settings.same_day_booking is True
    assert settings.advance_booking_days == 60
    assert settings.minimum_notice_minutes == 0
    assert settings.max_bookings_per_slot == 1
    assert settings.require_confirmation is False
    assert sorted(settings.working_hours) == sorted(WEEKDAYS[:5])
    for index in range(5):
        assert settings.intervals_on(index) == [WorkingInterval("09:00", "17:00")]
    assert settings.intervals_on(5) == []
    assert settings.intervals_on(6) == []
    # the default factory gives every instance its own dict
    assert BookingSettings().working_hours is not settings.working_hours


def test_intervals_on_maps_weekday_index_to_name() -> None:
    settings = settings_from_json(hours(("10:00", "11:00"), day="sun"))
    assert settings.intervals_on(6) == [WorkingInterval("10:00", "11:00")]
    assert all(settings.intervals_on(i) == [] for i in range(6))


@pytest.mark.parametrize(
    ("start", "end"),
    [("00:00", "24:00"), ("09:00", "17:00"), ("23:59", "24:00"), ("00:00", "00:01"), ("12:00", "12:05")],
)
def test_valid_intervals(start: str, end: str) -> None:
    settings = settings_from_json(hours((start, end)))
    interval = settings.working_hours["mon"][0]
    assert (interval.start, interval.end) == (start, end)
    assert interval.start_minutes == wall_minutes(start)
    assert interval.end_minutes == wall_minutes(end)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("9:00", "17:00"),  # missing leading zero
        ("09:00", "17:0"),
        ("24:01", "24:00"),
        ("09:00", "24:30"),
        ("25:00", "26:00"),
        ("09:60", "10:00"),
        ("09:00:00", "10:00"),
        ("0900", "1000"),
        ("", "10:00"),
        (" 09:00", "10:00"),
        ("09:00", "10:00 "),
        ("24:00", "24:00"),  # 24:00 only as an end
        ("10:00", "09:00"),  # ends before it starts
        ("10:00", "10:00"),  # empty interval
        ("00:01", "00:00"),
    ],
)
def test_invalid_intervals_are_rejected_on_decode(start: str, end: str) -> None:
    with pytest.raises(msgspec.ValidationError):
        settings_from_json(hours((start, end)))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("24:00", "24:00", "cannot start at 24:00"),
        ("10:00", "09:00", "must end after it starts"),
        ("10:00", "10:00", "must end after it starts"),
    ],
)
def test_invalid_intervals_are_rejected_on_construction(start: str, end: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingInterval(start, end)


@pytest.mark.parametrize(
    "intervals",
    [
        [("09:00", "12:00"), ("11:59", "13:00")],
        [("09:00", "17:00"), ("10:00", "11:00")],  # contained
        [("09:00", "10:00"), ("09:00", "10:00")],  # identical
        [("13:00", "17:00"), ("09:00", "13:01")],  # out of order
        [("09:00", "17:00"), ("18:00", "19:00"), ("12:00", "13:00")],  # listed apart
    ],
)
def test_overlapping_intervals_are_rejected(intervals: list[tuple[str, str]]) -> None:
    with pytest.raises(msgspec.ValidationError, match="working intervals on mon overlap"):
        settings_from_json(hours(*intervals))
    with pytest.raises(ValueError, match="overlap"):
        BookingSettings(working_hours={"mon": [WorkingInterval(s, e) for s, e in intervals]})


def test_touching_intervals_are_allowed_and_sorted() -> None:
    settings = settings_from_json(hours(("13:00", "17:00"), ("00:00", "09:00"), ("09:00", "13:00")))
    assert [(iv.start, iv.end) for iv in settings.working_hours["mon"]] == [
        ("00:00", "09:00"),
        ("09:00", "13:00"),
        ("13:00", "17:00"),
    ]
    assert [iv.start for iv in settings.intervals_on(0)] == ["00:00", "09:00", "13:00"]


def test_at_most_eight_intervals_per_day() -> None:
    eight = [(f"{h:02d}:00", f"{h:02d}:30") for h in range(8)]
    assert len(settings_from_json(hours(*eight)).working_hours["mon"]) == 8
    with pytest.raises(msgspec.ValidationError):
        settings_from_json(hours(*eight, ("20:00", "21:00")))


@pytest.mark.parametrize(
    "raw",
    [
        {"slotIntervalMinutes": 30, "bogus": 1},
        {"slot_interval_minutes": 30},  # snake_case is not the wire name
        {"workingHours": {"monday": []}},  # unknown weekday
        {"workingHours": {"mon": [{"start": "09:00", "end": "10:00", "tz": "UTC"}]}},
        {"workingHours": {"mon": [{"start": "09:00"}]}},  # missing end
        {"workingHours": {"mon": {"start": "09:00", "end": "10:00"}}},  # not a list
        {"slotIntervalMinutes": 4},
        {"slotIntervalMinutes": 1441},
        {"slotIntervalMinutes": "30"},
        {"advanceBookingDays": -1},
        {"advanceBookingDays": 731},
        {"minimumNoticeMinutes": -1},
        {"minimumNoticeMinutes": 60 * 24 * 30 + 1},
        {"maxBookingsPerSlot": 0},
        {"maxBookingsPerSlot": 1001},
        {"sameDayBooking": "yes"},
        {"requireConfirmation": 1},
    ],
)
def test_bad_fields_are_rejected(raw: dict[str, Any]) -> None:
    with pytest.raises(msgspec.ValidationError):
        settings_from_json(raw)


@pytest.mark.parametrize(
    ("raw", "attribute", "value"),
    [
        ({"slotIntervalMinutes": 5}, "slot_interval_minutes", 5),
        ({"slotIntervalMinutes": 1440}, "slot_interval_minutes", 1440),
        ({"advanceBookingDays": 0}, "advance_booking_days", 0),
        ({"advanceBookingDays": 730}, "advance_booking_days", 730),
        ({"minimumNoticeMinutes": 60 * 24 * 30}, "minimum_notice_minutes", 43200),
        ({"maxBookingsPerSlot": 1000}, "max_bookings_per_slot", 1000),
        ({"sameDayBooking": False}, "same_day_booking", False),
        ({"requireConfirmation": True}, "require_confirmation", True),
        ({"workingHours": {}}, "working_hours", {}),
    ],
)
def test_limits_are_inclusive(raw: dict[str, Any], attribute: str, value: object) -> None:
    assert getattr(settings_from_json(raw), attribute) == value


def test_empty_json_gives_defaults() -> None:
    assert settings_from_json({}) == BookingSettings()
    assert settings_to_json(settings_from_json({})) == DEFAULT_JSON


def test_to_json_uses_camel_case() -> None:
    assert settings_to_json(BookingSettings()) == DEFAULT_JSON


def test_round_trip_builtins_and_json_bytes() -> None:
    raw: dict[str, Any] = {
        "workingHours": {
            "sat": [{"start": "13:00", "end": "24:00"}, {"start": "08:00", "end": "12:00"}],
            "sun": [],
        },
        "slotIntervalMinutes": 45,
        "sameDayBooking": False,
        "advanceBookingDays": 14,
        "minimumNoticeMinutes": 90,
        "maxBookingsPerSlot": 3,
        "requireConfirmation": True,
    }
    settings = settings_from_json(raw)
    assert settings.slot_interval_minutes == 45
    assert settings.minimum_notice_minutes == 90
    assert settings.max_bookings_per_slot == 3
    out = settings_to_json(settings)
    # the only change is that intervals come back in order
    assert out == {**raw, "workingHours": {"sat": raw["workingHours"]["sat"][::-1], "sun": []}}
    assert settings_from_json(out) == settings
    encoded = msgspec.json.encode(settings)
    assert msgspec.json.decode(encoded) == out
    assert msgspec.json.decode(encoded, type=BookingSettings) == settings


def test_json_bytes_decode_validates() -> None:
    body = msgspec.json.encode(hours(("09:00", "10:00"), ("09:30", "11:00"), day="tue"))
    with pytest.raises(msgspec.ValidationError, match="working intervals on tue overlap"):
        msgspec.json.decode(body, type=BookingSettings)
    with pytest.raises(msgspec.ValidationError, match="unknown field `slot_interval_minutes`"):
        msgspec.json.decode(b'{"slot_interval_minutes": 30}', type=BookingSettings)
