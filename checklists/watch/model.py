"""One measured metric of the watch: the seed's target, the value, its verdict, its trend over the
period and the evidence it was computed from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    MET = "met"  # the seed's target holds
    BREACHED = "breached"  # the seed's target is broken: a finding
    NO_TARGET = "measured"  # the seed names no target: reported, never gated
    CANNOT_JUDGE = "cannot judge"  # no data to compute it from (the line says why)


@dataclass
class Metric:
    key: str
    title: str
    target: str | None  # the seed's target in words ("0", "> 95 %"), None when it names none
    value: float | None
    shown: str  # the value in words ("96.3 %", "2 h 15 min")
    verdict: Verdict
    reads: str  # what it was computed from
    trend: list[tuple[str, float | None]] = field(default_factory=list)  # (day or instant, value)
    trend_unit: str = ""
    evidence: dict[str, Any] = field(default_factory=dict)
    why: str = ""  # one line: the breach, or why it cannot be judged

    @property
    def gated(self) -> bool:
        return self.target is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "target": self.target,
            "value": self.value,
            "shown": self.shown,
            "verdict": self.verdict.value,
            "why": self.why,
            "reads": self.reads,
            "trend": [{"at": at, "value": value} for at, value in self.trend],
            "trendUnit": self.trend_unit,
            "evidence": self.evidence,
        }


def cannot_judge(key: str, title: str, target: str | None, reads: str, why: str) -> Metric:
    return Metric(key, title, target, None, "n/a", Verdict.CANNOT_JUDGE, reads, why=why)


def judged(ok: bool) -> Verdict:
    return Verdict.MET if ok else Verdict.BREACHED


def quantile(values: Sequence[float], q: float) -> float | None:
    """The q-quantile by linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def percent(part: float, whole: float) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def percent_text(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} %"


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    return f"{hours // 24} d {hours % 24} h"
