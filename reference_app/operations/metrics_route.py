"""GET /metrics: Prometheus text, for the monitoring system only.

With METRICS_TOKEN set it needs `Authorization: Bearer <token>`; without, it answers loopback
clients only (a scraper on the same host). Not in the OpenAPI schema: it is not part of the API.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from litestar import Request, Response, get
from litestar.datastructures import State
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from psycopg_pool import AsyncConnectionPool

from reference_app.auth.deps import bearer_token
from reference_app.db import Connection
from reference_app.deps import AppSettings
from reference_app.http.errors import ApiError
from reference_app.operations.audit import audit_connection
from reference_app.operations.metrics import scrape_registry
from reference_app.settings import Settings
from reference_app.sql import query

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
OUTBOX_STATES = ("pending", "sent", "dead", "suppressed")
# Scrapes audit jobs still running or ended within this window: the live calendar, not history.
AUDIT_LOOKBACK = timedelta(days=1)


class DatabaseFigures(Collector):
    def __init__(self, families: list[GaugeMetricFamily]) -> None:
        self.families = families

    def collect(self) -> list[GaugeMetricFamily]:  # type: ignore[override]
        return self.families


def check_access(request: Request, settings: Settings) -> None:
    if settings.metrics_token is not None:
        token = bearer_token(request) or ""
        if not hmac.compare_digest(token.encode(), settings.metrics_token.encode()):
            raise ApiError(401, "unauthorized", "A valid metrics bearer token is required.")
        return
    host = request.client.host if request.client else ""
    if host not in LOOPBACK:
        raise ApiError(403, "forbidden", "Metrics answer loopback clients only (or set METRICS_TOKEN).")


async def database_figures(
    pool: AsyncConnectionPool[Connection], settings: Settings
) -> list[GaugeMetricFamily]:
    outbox = GaugeMetricFamily(
        "email_outbox_emails", "Outbox emails by state (all tenants)", labels=["state"]
    )
    suppressions = GaugeMetricFamily(
        "email_suppressions", "Suppressed addresses by reason (all tenants)", labels=["reason"]
    )
    incidents = GaugeMetricFamily(
        "double_booking_incidents",
        "Instants where active jobs exceed capacity (the audit, over jobs ending in the last day or later)",
    )
    async with pool.connection(timeout=min(5.0, pool.timeout)) as conn:
        counts = {
            r["state"]: r["count"] for r in await (await conn.execute(query("outbox_counts"))).fetchall()
        }
        reasons = {
            r["reason"]: r["count"]
            for r in await (await conn.execute(query("suppression_counts"))).fetchall()
        }
        found = await audit_connection(conn, ending_after=settings.clock.now() - AUDIT_LOOKBACK)
    for state in OUTBOX_STATES:
        outbox.add_metric([state], counts.get(state, 0))
    for reason in ("bounce", "complaint"):
        suppressions.add_metric([reason], reasons.get(reason, 0))
    incidents.add_metric([], len(found))
    return [outbox, suppressions, incidents]


@get("/metrics", include_in_schema=False, cache=False)
async def metrics_endpoint(request: Request, state: State, settings: AppSettings) -> Response[bytes]:
    check_access(request, settings)
    text = generate_latest(scrape_registry())
    try:
        figures = await database_figures(state.pool, settings)
    except Exception:  # the process figures still matter when the database is down
        figures = []
    extra = CollectorRegistry()
    extra.register(DatabaseFigures(figures))
    return Response(text + generate_latest(extra), media_type=CONTENT_TYPE)
