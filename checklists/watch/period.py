"""The period a watch reports on: `--since 7d` (up to now), or between two dates; its days in the
business's time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_SPAN = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+(?:\.\d+)?)s)?$")


class PeriodError(ValueError):
    """A period that cannot be read (one line, naming the accepted forms)."""


def parse_span(text: str) -> timedelta:
    """7d, 36h, 1d12h, 90m, 30s, 0.5s; PeriodError otherwise (or for nothing at all)."""
    stripped = text.strip()
    match = _SPAN.match(stripped)
    if not stripped or match is None:
        raise PeriodError(f"expects a span such as 7d, 36h, 1d12h, 5m or 30s, got {text!r}")
    days, hours, minutes = (int(match[k] or 0) for k in ("d", "h", "m"))
    span = timedelta(days=days, hours=hours, minutes=minutes, seconds=float(match["s"] or 0))
    if span <= timedelta(0):
        raise PeriodError(f"must be longer than nothing, got {text!r}")
    return span


def parse_instant(text: str, *, end: bool = False) -> datetime:
    """2026-05-01 (the day's start, or its end with end=True, in UTC) or an ISO instant."""
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            return datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=UTC)
        instant = datetime.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(f"expects a date (2026-05-01) or an ISO instant, got {text!r}") from None
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Period:
    since: datetime
    until: datetime

    def __post_init__(self) -> None:
        if self.until <= self.since:
            raise PeriodError(f"the period ends ({self.until:%Y-%m-%d %H:%M}) before it starts")

    @classmethod
    def last(cls, span: timedelta, now: datetime) -> Period:
        try:
            return cls(now - span, now)
        except OverflowError:
            raise PeriodError(f"a period of {span.days} days reaches before the calendar's start") from None

    def days(self, tz: ZoneInfo) -> list[date]:
        """Every local day the period touches, in order."""
        first = self.since.astimezone(tz).date()
        last = (self.until - timedelta(microseconds=1)).astimezone(tz).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def holds(self, instant: datetime) -> bool:
        return self.since <= instant < self.until

    def text(self) -> str:
        return f"{self.since.isoformat(timespec='minutes')} .. {self.until.isoformat(timespec='minutes')}"

    def to_json(self) -> dict[str, str]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}
