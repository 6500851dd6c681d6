"""Constrained field types shared by request bodies; the constraints appear in the OpenAPI schema."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec

from reference_app.http.errors import ApiError

# Patterns are written so that Python's re (msgspec checks with it) and ECMA-262 (JSON Schema
# validators and generators) read them alike: no \s, \w or \d, whose sets differ between the
# two on control and non-ASCII characters (Python's \s holds \x1c-\x1f and \x85, ECMA's
# \ufeff), only explicit characters. _SPACE is every character Python's str.isspace() accepts.
_SPACE = r"\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# No NUL anywhere (PostgreSQL text cannot hold it) and at least one visible character.
_VISIBLE = rf"^[^\x00]*[^{_SPACE}\x00][^\x00]*$"
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=_VISIBLE)]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=_VISIBLE)]
# In Python's re `$` also matches before a final "\n", so "a@b.io\n" would pass; `(?!\n)`
# closes that gap and is a no-op for JSON Schema validators.
_END = r"$(?!\n)"
_EMAIL_PART = rf"[^@{_SPACE}\x00]+"
_DOMAIN_LABEL = rf"[^@{_SPACE}\x00.]+"
Email = Annotated[
    str,
    msgspec.Meta(
        min_length=3,
        max_length=254,
        pattern=rf"^{_EMAIL_PART}@{_DOMAIN_LABEL}(\.{_DOMAIN_LABEL})+" + _END,
        examples=["client@example.com"],
    ),
]
Phone = Annotated[str, msgspec.Meta(min_length=3, max_length=40, pattern=r"^[0-9+()\-. ]+" + _END)]
Notes = Annotated[str, msgspec.Meta(max_length=2000, pattern=r"^[^\x00]*$")]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=2000, pattern=_VISIBLE)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
DAY_SHAPE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# A calendar date the service handles (years 1971-2199), written out so that a schema-valid
# date always exists: months of 31, 30 and 28 days, and 29 February in leap years only.
_YEAR = r"(197[1-9]|19[89][0-9]|2[01][0-9]{2})"
_MONTH_DAY = r"(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31"
_LEAP_YEAR = r"(19(7[26]|[89][048]|[89][26])|20([02468][048]|[13579][26])|21(0[48]|[2468][048]|[13579][26]))"
FULL_DATE_PATTERN = rf"^({_YEAR}-({_MONTH_DAY})|{_LEAP_YEAR}-02-29)$(?!\n)"
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
