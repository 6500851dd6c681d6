"""The API's error rate and response times over a period, from the service's Prometheus
figures (checklists/watch/scrapes.py): requests by route and status class, and the latency
histogram. Monitoring's own calls (health checks, scrapes) are not the API's traffic."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

from checklists.watch.model import Metric, cannot_judge, duration_text, judged, percent, percent_text
from checklists.watch.scrapes import Scrape, Series, difference, parse_key
from harness.adapters.reference_paths import MONITORING_ROUTES

ERROR_TARGET = 1.0  # per cent of requests answered 5xx
AVERAGE_TARGET = 0.5  # seconds
QUANTILES = (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))


@dataclass
class ApiFigures:
    requests: float = 0.0
    errors: float = 0.0
    errors_by_route: dict[str, float] = field(default_factory=dict)
    buckets: dict[float, float] = field(default_factory=dict)  # le -> requests at or under it
    count: float = 0.0
    seconds: float = 0.0
    booking_attempts: dict[str, float] = field(default_factory=dict)

    @property
    def error_rate(self) -> float | None:
        return percent(self.errors, self.requests)

    @property
    def average(self) -> float | None:
        return self.seconds / self.count if self.count else None

    def quantile(self, q: float) -> float | None:
        """As Prometheus's histogram_quantile: linear within the bucket the rank falls in."""
        if not self.count:
            return None
        rank, lower, below = q * self.count, 0.0, 0.0
        for le in sorted(self.buckets):
            cumulative = self.buckets[le]
            if cumulative >= rank:
                if math.isinf(le):
                    return lower  # beyond the last bound: the last bound is all one can say
                inside = cumulative - below
                return lower + (le - lower) * ((rank - below) / inside if inside else 1.0)
            lower, below = le, cumulative
        return lower


def figures(delta: Series) -> ApiFigures:
    found = ApiFigures()
    for key, value in delta.items():
        name, labels = parse_key(key)
        if labels.get("route") in MONITORING_ROUTES:
            continue
        if name == "http_requests_total":
            found.requests += value
            if labels.get("status_class") == "5xx":
                found.errors += value
                where = f"{labels.get('method')} {labels.get('route')}"
                found.errors_by_route[where] = found.errors_by_route.get(where, 0.0) + value
        elif name == "http_request_duration_seconds_bucket":
            le = float(labels["le"])
            found.buckets[le] = found.buckets.get(le, 0.0) + value
        elif name == "http_request_duration_seconds_count":
            found.count += value
        elif name == "http_request_duration_seconds_sum":
            found.seconds += value
        elif name == "bookings_total":
            outcome = labels.get("outcome", "?")
            found.booking_attempts[outcome] = found.booking_attempts.get(outcome, 0.0) + value
    return found


def _point(at: Scrape, f: ApiFigures) -> dict[str, object]:
    return {
        "at": at.at.isoformat(timespec="seconds"),
        "requests": f.requests,
        "errors": f.errors,
        "errorRate": f.error_rate,
        "averageSeconds": f.average,
        **{f"{name}Seconds": f.quantile(q) for name, q in QUANTILES},
    }


def api_metrics(bounds: list[Scrape]) -> list[Metric]:
    """Error rate and response times between the first and last of `bounds` (since each
    process started when `bounds` holds only the last), with a point per interval between."""
    start = bounds[0] if len(bounds) > 1 else None
    total = figures(difference(start, bounds[-1]))
    points = [_point(bounds[-1], total)] if start is None else []
    for before, after in itertools.pairwise(bounds):
        points.append(_point(after, figures(difference(before, after))))
    window = {
        "from": start.at.isoformat(timespec="seconds") if start else "each server process's start",
        "to": bounds[-1].at.isoformat(timespec="seconds"),
        "servers": sorted(bounds[-1].servers),
    }
    reads = (
        "the service's Prometheus figures (GET /metrics of every server), scraped at both ends of the period"
    )
    evidence = {
        "window": window,
        "requests": total.requests,
        "errors": total.errors,
        "errorsByRoute": dict(total.errors_by_route),
        "bookingAttempts": dict(total.booking_attempts),
        "overTime": points,
    }
    if not total.requests:
        why = "no API request was answered in the period (only health checks and scrapes)"
        return [
            cannot_judge("api-errors", "API error rate (5xx)", f"< {ERROR_TARGET:g} %", reads, why),
            cannot_judge(
                "response-time", "API response time", f"average < {AVERAGE_TARGET * 1000:g} ms", reads, why
            ),
        ]
    rate = total.error_rate
    assert rate is not None
    errors = Metric(
        "api-errors",
        "API error rate (5xx)",
        f"< {ERROR_TARGET:g} %",
        rate,
        f"{percent_text(rate)} ({total.errors:g} of {total.requests:g} requests)",
        judged(rate < ERROR_TARGET),
        reads,
        trend=[(str(p["at"]), p["errorRate"]) for p in points],  # type: ignore[misc]
        trend_unit="%",
        evidence=evidence,
        why="" if rate < ERROR_TARGET else f"{percent_text(rate)} of requests answered 5xx",
    )
    average = total.average
    timing_goal = f"average < {AVERAGE_TARGET * 1000:g} ms"
    if average is None:
        why = "the service exposes no request-duration histogram (http_request_duration_seconds)"
        return [errors, cannot_judge("response-time", "API response time", timing_goal, reads, why)]
    shown = ", ".join(f"{name} {duration_text(total.quantile(q))}" for name, q in QUANTILES)
    timing = Metric(
        "response-time",
        "API response time",
        timing_goal,
        average * 1000,
        f"average {duration_text(average)}; {shown}",
        judged(average < AVERAGE_TARGET),
        reads + " (percentiles interpolated within the histogram's buckets)",
        trend=[(str(p["at"]), _ms(p["averageSeconds"])) for p in points],
        trend_unit="ms (average)",
        evidence={
            **evidence,
            **{f"{n}Seconds": total.quantile(q) for n, q in QUANTILES},
            "averageSeconds": average,
        },
        why="" if average < AVERAGE_TARGET else f"average {duration_text(average)}",
    )
    return [errors, timing]


def _ms(seconds: object) -> float | None:
    return float(seconds) * 1000 if isinstance(seconds, int | float) else None
