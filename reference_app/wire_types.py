"""Constrained field types shared by request bodies; the constraints appear in the OpenAPI schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec

from reference_app.errors import ApiError

# No NUL anywhere (PostgreSQL text cannot hold it) and at least one visible character.
# The visible character is [^\s\x00], not \S: \S matches NUL itself, so "A\x00" would pass.
_VISIBLE = r"^[^\x00]*[^\s\x00][^\x00]*$"
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=_VISIBLE)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=_VISIBLE)]
# In Python's re (msgspec checks patterns with it) `$` also matches before a final "\n", so
# "a@b.io\n" would pass; `(?!\n)` closes that gap and is a no-op for JSON Schema validators.
_END = r"$(?!\n)"
Email = Annotated[
    str,
    msgspec.Meta(
        min_length=3,
        max_length=254,
        pattern=r"^[^@\s\x00]+@[^@\s\x00.]+(\.[^@\s\x00.]+)+" + _END,
        examples=["client@example.com"],
    ),
]
Phone = Annotated[str, msgspec.Meta(min_length=3, max_length=40, pattern=r"^[0-9+()\-. ]+" + _END)]
Notes = Annotated[str, msgspec.Meta(max_length=2000, pattern=r"^[^\x00]*$")]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=2000, pattern=_VISIBLE)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
AwareDatetime = Annotated[
    datetime,
    msgspec.Meta(tz=True, description="ISO-8601 date-time with a UTC offset"),
]

# Far enough for any real booking, near enough that arithmetic never overflows.
_EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def checked_instant(value: datetime, field: str) -> datetime:
    """The instant in UTC, or a 422 for a time outside the years the service handles."""
    if value.tzinfo is None:
        raise ApiError(422, "naive_datetime", f"{field} must carry a UTC offset.")
    try:
        instant = value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+05:00 is before datetime.min in UTC
        raise ApiError(422, "time_out_of_range", f"{field} is outside the supported years.") from None
    if not _EARLIEST <= instant < _LATEST:
        raise ApiError(422, "time_out_of_range", f"{field} is outside the supported years.")
    return instant
