"""Every gate trips when its limit is breached, and passes within it."""

from __future__ import annotations

import dataclasses

import pytest

from load.checker.audit import audit_history
from load.reports.gates import (
    BOOKING_REQUEST_PREFIX,
    GateLimits,
    StatsRow,
    audit_gates,
    latency_gates,
    parse_endpoint_limits,
)
from tests.load.histories import RUN, book, job, state

BOOK = StatsRow(BOOKING_REQUEST_PREFIX, "POST", 100, 0, 10, 40, 80, 12, 120, 50)
LOOK = StatsRow("GET /services/[id]/availability (31 days)", "GET", 50, 0, 20, 90, 150, 25, 200, 10)
TOTAL = StatsRow("Aggregated", "", 150, 0, 12, 60, 120, 15, 200, 60)


def breached(gates: list) -> list[str]:
    return [g.name for g in gates if not g.ok]


def test_latency_and_failures_within_limits_pass() -> None:
    assert breached(latency_gates([BOOK, LOOK], TOTAL, GateLimits())) == []


def test_overall_p95_gate_trips() -> None:
    slow = dataclasses.replace(TOTAL, p95_ms=650)
    assert breached(latency_gates([BOOK, LOOK], slow, GateLimits())) == ["p95 latency (all requests)"]


def test_per_endpoint_p95_gate_trips() -> None:
    limits = GateLimits(p95_ms_by_name=parse_endpoint_limits([f"{LOOK.name}=50"]))
    assert breached(latency_gates([BOOK, LOOK], TOTAL, limits)) == [f"p95 latency {LOOK.name}"]


def test_a_p95_says_over_how_many_requests_and_when_they_are_few() -> None:
    few = dataclasses.replace(LOOK, requests=3, p95_ms=620)
    gates = {g.name: g for g in latency_gates([BOOK, few], TOTAL, GateLimits())}
    assert gates[f"p95 latency {BOOK.name}"].measured == "40 ms over 100 requests"
    assert gates["p95 latency (all requests)"].measured == "60 ms over 150 requests"
    slow_few = gates[f"p95 latency {LOOK.name}"]
    # Still judged: three slow answers out of three is a breach, said with its sample.
    assert slow_few.breached and slow_few.measured == "620 ms over 3 requests, the slowest of so few"
    one = dataclasses.replace(LOOK, requests=1, p95_ms=5)
    assert latency_gates([one], TOTAL, GateLimits())[1].measured.startswith("5 ms over 1 request,")


def test_an_endpoint_limit_for_an_endpoint_never_called_trips() -> None:
    limits = GateLimits(p95_ms_by_name={"GET /nowhere": 100})
    assert breached(latency_gates([BOOK], TOTAL, limits)) == ["p95 latency GET /nowhere"]


def test_p99_gate_trips_only_when_asked_for() -> None:
    assert breached(latency_gates([BOOK], TOTAL, GateLimits(p99_ms=100))) == ["p99 latency (all requests)"]
    assert breached(latency_gates([BOOK], TOTAL, GateLimits(p99_ms=200))) == []


def test_failure_ratio_gate_trips_at_one_percent() -> None:
    failing = dataclasses.replace(TOTAL, failures=2)  # 1.3 %
    assert breached(latency_gates([BOOK], failing, GateLimits())) == ["failure ratio"]
    assert breached(latency_gates([BOOK], dataclasses.replace(TOTAL, failures=1), GateLimits())) == []


def test_bad_endpoint_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="NAME=MILLISECONDS"):
        parse_endpoint_limits(["no limit here"])


def _rows(requests: int) -> list[StatsRow]:
    return [dataclasses.replace(BOOK, requests=requests)]


def test_audit_gates_pass_on_a_clean_run() -> None:
    ops = [book("a", job="j1")]
    verdict = audit_history(ops, state(job("j1", "a")), RUN)
    assert breached(audit_gates(verdict, None, ops, _rows(1), GateLimits())) == []


def test_double_booking_gate_trips() -> None:
    ops = [book("a", job="j1"), book("b", job="j2")]
    verdict = audit_history(ops, state(job("j1", "a"), job("j2", "b")), RUN)
    assert breached(audit_gates(verdict, None, ops, _rows(2), GateLimits())) == [
        "double-bookings",
        "audit verdict",
    ]


def test_lost_booking_gate_trips() -> None:
    ops = [book("a", job="j1")]
    verdict = audit_history(ops, state(), RUN)
    assert breached(audit_gates(verdict, None, ops, _rows(1), GateLimits())) == [
        "lost acknowledged bookings",
        "audit verdict",
    ]


def test_phantom_fails_the_audit_verdict_gate() -> None:
    ops = [book("a", job="j1", hour=1), book("b", "rejected")]
    verdict = audit_history(ops, state(job("j1", "a", hour=1), job("j2", "b")), RUN)
    assert breached(audit_gates(verdict, None, ops, _rows(2), GateLimits())) == ["audit verdict"]


def test_history_shorter_than_locusts_count_trips() -> None:
    ops = [book("a", job="j1")]
    verdict = audit_history(ops, state(job("j1", "a")), RUN)
    assert breached(audit_gates(verdict, None, ops, _rows(3), GateLimits())) == ["history complete"]


def test_a_run_that_booked_nothing_proves_nothing() -> None:
    ops = [book("a", "rejected")]
    verdict = audit_history(ops, state(), RUN)
    assert breached(audit_gates(verdict, None, ops, _rows(1), GateLimits())) == ["acknowledged bookings"]


def test_no_verdict_is_a_breach() -> None:
    gates = audit_gates(None, "OperationalError: connection refused", [], [], GateLimits())
    assert breached(gates) == ["audit"] and "connection refused" in gates[0].measured
