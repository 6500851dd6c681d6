"""Gates: the limits a run must stay within, judged once at its end. Any breach fails the run.

Latency (p95 overall and per endpoint, optional p99), the failure ratio, and from the audit:
zero double-bookings, zero lost acknowledged bookings, a clean verdict, a history as long as
Locust's own count of booking requests (a lost worker shipment shows here), and at least one
acknowledged booking (an audit of nothing proves nothing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from load.checker.audit import Verdict
from load.checker.operations import INTERRUPTED, Operation

BOOKING_REQUEST_PREFIX = "POST /services/[id]/book"


@dataclass(frozen=True)
class StatsRow:
    """One line of Locust's statistics (or the aggregated total), in plain numbers."""

    name: str
    method: str
    requests: int
    failures: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    average_ms: float
    max_ms: float
    rps: float

    @property
    def failure_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "failureRatio": self.failure_ratio}


@dataclass(frozen=True)
class GateLimits:
    p95_ms: float = 500.0
    p95_ms_by_name: Mapping[str, float] = field(default_factory=dict)
    p99_ms: float | None = None
    failure_ratio: float = 0.01
    min_bookings: int = 1


@dataclass(frozen=True)
class Gate:
    name: str
    limit: str
    measured: str
    ok: bool

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "limit": self.limit, "measured": self.measured, "ok": self.ok}


def parse_endpoint_limits(values: Sequence[str]) -> dict[str, float]:
    """ "NAME=MS" pairs (NAME as in Locust's table, e.g. "POST /services/[id]/book=300")."""
    limits = {}
    for value in values:
        name, sep, ms = value.rpartition("=")
        if not sep or not name.strip():
            raise ValueError(f"expected NAME=MILLISECONDS, got {value!r}")
        limits[name.strip()] = float(ms)
    return limits


def latency_gates(rows: Sequence[StatsRow], total: StatsRow, limits: GateLimits) -> list[Gate]:
    gates = [
        Gate(
            "p95 latency (all requests)",
            f"< {limits.p95_ms:g} ms",
            f"{total.p95_ms:g} ms",
            total.p95_ms < limits.p95_ms,
        )
    ]
    for row in rows:
        limit = limits.p95_ms_by_name.get(row.name, limits.p95_ms)
        gates.append(
            Gate(f"p95 latency {row.name}", f"< {limit:g} ms", f"{row.p95_ms:g} ms", row.p95_ms < limit)
        )
    unknown = set(limits.p95_ms_by_name) - {row.name for row in rows}
    for name in sorted(unknown):
        gates.append(Gate(f"p95 latency {name}", "endpoint exercised", "no requests", False))
    if limits.p99_ms is not None:
        gates.append(
            Gate(
                "p99 latency (all requests)",
                f"< {limits.p99_ms:g} ms",
                f"{total.p99_ms:g} ms",
                total.p99_ms < limits.p99_ms,
            )
        )
    gates.append(
        Gate(
            "failure ratio",
            f"< {limits.failure_ratio:.2%}",
            f"{total.failure_ratio:.2%} ({total.failures}/{total.requests})",
            total.failure_ratio < limits.failure_ratio,
        )
    )
    return gates


def audit_gates(
    verdict: Verdict | None,
    audit_error: str | None,
    ops: Sequence[Operation],
    rows: Sequence[StatsRow],
    limits: GateLimits,
) -> list[Gate]:
    if verdict is None:
        return [Gate("audit", "verdict reached", f"audit failed: {audit_error}", False)]
    doubles = verdict.check("double_booking").count + verdict.check("overbooked_during_run").count
    lost = verdict.check("lost_acknowledged_booking").count
    completed = sum(1 for op in ops if op.kind == "book" and op.code != INTERRUPTED)
    counted = sum(r.requests for r in rows if r.name.startswith(BOOKING_REQUEST_PREFIX))
    acknowledged = sum(1 for op in ops if op.kind == "book" and op.outcome == "ok")
    return [
        Gate("double-bookings", "= 0", str(doubles), doubles == 0),
        Gate("lost acknowledged bookings", "= 0", str(lost), lost == 0),
        Gate(
            "audit verdict",
            "every check passes",
            "pass" if verdict.ok else "fail: " + ", ".join(c.name for c in verdict.checks if not c.ok),
            verdict.ok,
        ),
        Gate(
            "history complete",
            f"= {counted} booking requests counted by Locust",
            str(completed),
            completed == counted,
        ),
        Gate(
            "acknowledged bookings",
            f">= {limits.min_bookings}",
            str(acknowledged),
            acknowledged >= limits.min_bookings,
        ),
    ]
