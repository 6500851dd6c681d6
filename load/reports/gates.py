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

from harness.adapters import reference_locust
from load.checker.audit import Verdict
from load.checker.operations import INTERRUPTED, Operation

BOOKING_REQUEST_PREFIX = reference_locust.BOOK_NAME  # the reference's Locust client's rows
# The rows of a race through an adapter (load/scenarios/adapter_race.py), "<name> (<adapter>)".
ADAPTER_PREPARE_NAME = "prepare booking"
ADAPTER_COMMIT_NAME = "commit booking"
BOOKING_ROWS = (BOOKING_REQUEST_PREFIX, ADAPTER_COMMIT_NAME)


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
    """One limit and what the run measured. A gate with nothing to measure (no requests, no
    bookings) is not judged: never ok, and never a breach of the target either."""

    name: str
    limit: str
    measured: str
    ok: bool
    judged: bool = True

    @property
    def breached(self) -> bool:
        return self.judged and not self.ok

    @property
    def mark(self) -> str:
        return "ok" if self.ok else ("BREACH" if self.judged else "not judged")

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "limit": self.limit,
            "measured": self.measured,
            "ok": self.ok,
            "judged": self.judged,
        }


def not_judged(name: str, limit: str, why: str) -> Gate:
    return Gate(name, limit, f"{why}: not judged", ok=False, judged=False)


NO_REQUESTS = "no requests"
# Below this many requests a p95 is the slowest one or next to it: the gate still judges it,
# and says over how many it was measured.
FEW_REQUESTS = 20


def measured_p95(row: StatsRow) -> str:
    """The p95 and how many requests it was measured over (a few requests' p95 is their worst)."""
    few = ", the slowest of so few" if row.requests < FEW_REQUESTS else ""
    return f"{row.p95_ms:g} ms over {row.requests} request{'s' if row.requests != 1 else ''}{few}"


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
    if not total.requests:
        gates = [not_judged("p95 latency (all requests)", f"< {limits.p95_ms:g} ms", NO_REQUESTS)]
        gates += [
            not_judged(f"p95 latency {name}", "endpoint exercised", NO_REQUESTS)
            for name in limits.p95_ms_by_name
        ]
        if limits.p99_ms is not None:
            gates.append(not_judged("p99 latency (all requests)", f"< {limits.p99_ms:g} ms", NO_REQUESTS))
        return [*gates, not_judged("failure ratio", f"< {limits.failure_ratio:.2%}", NO_REQUESTS)]
    gates = [
        Gate(
            "p95 latency (all requests)",
            f"< {limits.p95_ms:g} ms",
            measured_p95(total),
            total.p95_ms < limits.p95_ms,
        )
    ]
    for row in rows:
        limit = limits.p95_ms_by_name.get(row.name, limits.p95_ms)
        gates.append(
            Gate(f"p95 latency {row.name}", f"< {limit:g} ms", measured_p95(row), row.p95_ms < limit)
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
        # The harness could not read the final state: the target is not judged, not failed.
        return [Gate("audit", "verdict reached", f"audit failed: {audit_error}", ok=False, judged=False)]
    doubles = verdict.check("double_booking").count + verdict.check("overbooked_during_run").count
    lost = verdict.check("lost_acknowledged_booking").count
    completed = completed_bookings(ops)
    counted = sum(r.requests for r in rows if r.name.startswith(BOOKING_ROWS))
    acknowledged = acknowledged_bookings(ops)
    if not completed and not counted and verdict.ok:
        why = "no booking attempt completed"
        return [
            not_judged("double-bookings", "= 0", why),
            not_judged("lost acknowledged bookings", "= 0", why),
            not_judged("audit verdict", "every check passes", why),
            not_judged("history complete", "= 0 booking requests counted by Locust", why),
            not_judged("acknowledged bookings", f">= {limits.min_bookings}", why),
        ]
    ack_gate = (
        Gate(
            "acknowledged bookings",
            f">= {limits.min_bookings}",
            str(acknowledged),
            acknowledged >= limits.min_bookings,
        )
        if acknowledged
        # Nothing acknowledged: no booking the audit could find lost or doubled; nothing judged.
        else not_judged("acknowledged bookings", f">= {limits.min_bookings}", "0 acknowledged")
    )
    return [
        Gate("double-bookings", "= 0", str(doubles), doubles == 0),
        Gate("lost acknowledged bookings", "= 0", str(lost), lost == 0),
        Gate(
            "audit verdict",
            "every check passes",
            f"pass over {verdict.bookings_judged} bookings"
            if verdict.ok
            else f"fail over {verdict.bookings_judged} bookings: "
            + ", ".join(c.name for c in verdict.checks if not c.ok),
            verdict.ok,
        ),
        Gate(
            "history complete",
            f"= {counted} booking requests counted by Locust",
            str(completed),
            completed == counted,
        ),
        ack_gate,
    ]


def completed_bookings(ops: Sequence[Operation]) -> int:
    """Booking attempts that got an answer (or timed out), not those cut short by the stop."""
    return sum(1 for op in ops if op.kind == "book" and op.code != INTERRUPTED)


def acknowledged_bookings(ops: Sequence[Operation]) -> int:
    return sum(1 for op in ops if op.kind == "book" and op.outcome == "ok")
