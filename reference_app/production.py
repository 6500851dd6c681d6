"""What production needs around the routes: CORS, request ids, JSON request logs and metrics
for every response, /metrics, the suppression list."""

from __future__ import annotations

from typing import Any

from litestar import Litestar

from reference_app.emails.suppression_controllers import SuppressionController
from reference_app.http.cors import CorsMiddleware
from reference_app.http.request_telemetry import RequestTelemetry, configure_request_log
from reference_app.operations.metrics_route import metrics_endpoint
from reference_app.settings import Settings


def production_route_handlers() -> list[Any]:
    return [metrics_endpoint, SuppressionController]


def wrap_production_edges(app: Litestar, settings: Settings) -> None:
    """Wrap Litestar's whole handler (not per-route middleware), so 404s, errors raised before
    a handler runs, and refused preflights get the same CORS rules, request id and log line."""
    app.state.settings = settings  # for route guards, which get no dependency injection
    configure_request_log()
    cors = CorsMiddleware(app.asgi_handler, settings.allowed_origins)
    app.asgi_handler = RequestTelemetry(cors)
