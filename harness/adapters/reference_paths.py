"""The reference API's routes, spelled once. Only the reference adapter's modules (this folder)
build reference API paths (tests/unit/test_reference_paths.py); a check or a test server that
must speak the reference's own operations interfaces (its /health, its admin routes) takes the
paths from here, after the target's adapter has declared the capability they serve."""

from __future__ import annotations

from urllib.parse import quote

HEALTH = "/health"  # status, running version, schema state (capability health-report)
METRICS = "/metrics"
# The routes monitoring calls (health checks, scrapes): not the API's traffic.
MONITORING_ROUTES = frozenset({HEALTH, METRICS})
SIGN_IN = "/auth/login"
SIGN_OUT = "/auth/logout"
JOBS = "/jobs"
ADMIN_SERVICES = "/admin/services"
ADMIN_OUTBOX = "/admin/outbox"
SUPPRESSIONS = "/admin/suppressions"  # the addresses SES feedback suppressed (capability ses)
SERVICES = "/services"


def service(service_id: str) -> str:
    return f"{SERVICES}/{service_id}"


def availability(service_id: str) -> str:
    return f"{service(service_id)}/availability"


def booking(service_id: str) -> str:
    """Where a client books a slot of the service (POST)."""
    return f"{service(service_id)}/book"


def admin_service(service_id: str) -> str:
    return f"{ADMIN_SERVICES}/{service_id}"


def job(job_id: str) -> str:
    return f"{JOBS}/{job_id}"


def job_action(job_id: str, action: str) -> str:
    """confirm, decline, start, complete, cancel (POST), or history (GET)."""
    return f"{job(job_id)}/{action}"


def suppression(email: str) -> str:
    return f"{SUPPRESSIONS}/{quote(email, safe='@+')}"


def health_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}{HEALTH}"
