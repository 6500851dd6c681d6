"""The capacity search, as plain logic: which load to try next, and what the capacity is.

The load (users) grows step by step, by a factor, from a start until a step breaks the SLO or
the hard ceiling is reached; then the search narrows between the last passing and the first
failing step by halving the gap until it is within the resolution. The capacity is the
highest load measured that met the SLO. Nothing here runs a load: the driver
(`load/benchmark/capacity.py`) measures each step and hands the measurement back, so the search can be
tested on a synthetic latency curve.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_COMPARE: dict[str, Callable[[float, float], bool]] = {"<": operator.lt, "<=": operator.le}
_METRICS = {"p50": "p50_ms", "p95": "p95_ms", "p99": "p99_ms", "fail": "failure_ratio"}
_TERM = re.compile(
    r"^(?P<metric>p50|p95|p99|fail)\s*(?P<op><=|<)\s*(?P<value>[0-9]*\.?[0-9]+)\s*(?P<unit>ms|s|%)?$"
)


class SloError(ValueError):
    """An SLO text that does not parse."""


@dataclass(frozen=True)
class Measurement:
    """What one step measured."""

    users: int
    requests_per_s: float
    bookings_per_s: float  # acknowledged bookings (201s) per second
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failure_ratio: float
    audit_ok: bool  # a step that answered wrongly never counts as capacity
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SloTerm:
    metric: str  # p50, p95, p99, fail
    op: str
    limit: float  # milliseconds for latency, a ratio (0..1) for fail

    def value(self, m: Measurement) -> float:
        return float(getattr(m, _METRICS[self.metric]))

    def holds(self, m: Measurement) -> bool:
        return _COMPARE[self.op](self.value(m), self.limit)

    def __str__(self) -> str:
        if self.metric == "fail":
            return f"fail{self.op}{self.limit * 100:g}%"
        return f"{self.metric}{self.op}{self.limit:g}ms"


@dataclass(frozen=True)
class Slo:
    terms: tuple[SloTerm, ...]

    @classmethod
    def parse(cls, text: str) -> Slo:
        """`"p99<100ms,fail<1%"`: latency in ms (or s), failures in % (or a ratio)."""
        terms = []
        for raw in text.split(","):
            part = raw.strip().lower()
            if not part:
                continue
            match = _TERM.match(part)
            if match is None:
                raise SloError(
                    f"cannot read SLO term {raw.strip()!r}: expected e.g. p99<100ms, p95<=0.5s or fail<1%"
                )
            value, unit = float(match["value"]), match["unit"]
            if match["metric"] == "fail":
                if unit not in (None, "%"):
                    raise SloError(f"failure limit {raw.strip()!r} takes % or a ratio, not {unit}")
                limit = value / 100 if unit == "%" else value
            else:
                if unit == "%":
                    raise SloError(f"latency limit {raw.strip()!r} takes ms or s, not %")
                limit = value * 1000 if unit == "s" else value
            terms.append(SloTerm(match["metric"], match["op"], limit))
        if not terms:
            raise SloError("the SLO names no term")
        return cls(tuple(terms))

    def breaches(self, m: Measurement) -> list[str]:
        """What the measurement breaks: SLO terms and a failed audit."""
        broken = [f"{t} (measured {_shown(t, m)})" for t in self.terms if not t.holds(m)]
        if not m.audit_ok:
            broken.append("audit failed")
        return broken

    def met(self, m: Measurement) -> bool:
        return not self.breaches(m)

    def __str__(self) -> str:
        return ",".join(str(t) for t in self.terms)


def _shown(term: SloTerm, m: Measurement) -> str:
    value = term.value(m)
    return f"{value * 100:.2f}%" if term.metric == "fail" else f"{value:g} ms"


@dataclass
class CapacitySearch:
    """Decides the users of the next step from the steps measured so far."""

    slo: Slo
    start_users: int
    max_users: int
    growth: float = 2.0  # each raising step multiplies the users by this
    resolution: float = 0.1  # narrowing stops when the gap is within this share of the passing load
    min_users: int = 1
    steps: list[Measurement] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.min_users < 1 or self.start_users < self.min_users:
            raise ValueError("start users must be at least 1 (and at least the minimum)")
        if self.max_users < self.start_users:
            raise ValueError(f"max users {self.max_users} is below the start {self.start_users}")
        if self.growth <= 1.0:
            raise ValueError("growth must be above 1")

    @property
    def passing(self) -> list[Measurement]:
        return [m for m in self.steps if self.slo.met(m)]

    @property
    def failing(self) -> list[Measurement]:
        return [m for m in self.steps if not self.slo.met(m)]

    def _bounds(self) -> tuple[int, int | None]:
        """The highest passing load below the lowest failing one, and that failing load."""
        fail = min((m.users for m in self.failing), default=None)
        below = [m.users for m in self.passing if fail is None or m.users < fail]
        return max(below, default=self.min_users - 1), fail

    def _close_enough(self, low: int, high: int) -> bool:
        return high - low <= max(1, math.floor(low * self.resolution))

    def next_users(self) -> int | None:
        """Users of the next step, or None when the search is over."""
        if not self.steps:
            return self.start_users
        low, high = self._bounds()
        tried = {m.users for m in self.steps}
        if high is None:  # raising: nothing has failed yet
            if low >= self.max_users:
                return None
            nxt = min(self.max_users, max(low + 1, math.ceil(low * self.growth)))
            return None if nxt in tried else nxt
        if high <= self.min_users or self._close_enough(max(low, self.min_users - 1), high):
            return None
        nxt = max(self.min_users, (low + high) // 2)
        return None if nxt in tried or nxt >= high else nxt

    def record(self, measurement: Measurement) -> None:
        if measurement.users > self.max_users:
            raise ValueError(f"a step of {measurement.users} users exceeds the ceiling {self.max_users}")
        self.steps.append(measurement)

    def capacity(self) -> Measurement | None:
        """The highest load that met the SLO below the first failing load (None: not even the
        smallest step did)."""
        low, _ = self._bounds()
        best = [m for m in self.passing if m.users == low]
        return best[-1] if best else None

    def ceiling_reached(self) -> bool:
        """The search stopped at the hard ceiling with every step passing: capacity is at least it."""
        return not self.failing and any(m.users == self.max_users for m in self.steps)
