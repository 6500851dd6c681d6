"""What the service counts, in Prometheus terms.

Counters and histograms live in each server process; with PROMETHEUS_MULTIPROC_DIR set (the
`serve` command sets it when the server runs several worker processes) prometheus-client keeps
them in files there and /metrics adds up every process's. Figures that live in the database
(outbox emails by state, suppressions, double-booking incidents) are read at scrape time, so
every process answers the same.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.core import REGISTRY

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by route template, method and status class",
    ["route", "method", "status_class"],
)
REQUEST_SECONDS = Histogram(
    "http_request_duration_seconds",
    "Time from request to the end of the response, by route template and status class",
    ["route", "method", "status_class"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
BOOKINGS = Counter(
    "bookings",
    "Public booking attempts by outcome (booked, refused with a rule code, slot_unavailable)",
    ["outcome", "code"],
)
BOOKING_PAGE_VIEWS = Counter("booking_page_views", "Public booking pages served")
BOOKING_PAGE_BOOKINGS = Counter(
    "booking_page_bookings", "Bookings made from the public booking page (the conversion's numerator)"
)
JOB_TRANSITIONS = Counter("job_transitions", "Lifecycle moves done, by action", ["action"])
SIGNIN_THROTTLED = Counter(
    "signin_throttled", "Sign-ins refused by the abuse limit, by which limit", ["limit"]
)
BOOKINGS_THROTTLED = Counter("bookings_throttled", "Public bookings refused by the per-address limit")


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def scrape_registry() -> CollectorRegistry:
    """Every process's figures when several share the multiprocess folder, else this one's."""
    folder = os.environ.get(MULTIPROC_ENV)
    if not folder:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=folder)
    return registry
