"""What the watch reads from the reference service's database (the target's databaseUrl) for a
period: its jobs and their status history, the outbox, the suppression list and the booking
pages served. Scoped to the business(es) of the services the target names (every tenant when
it names none). Read-only; another system supplies the same rows through its own reader
(docs/watch.md)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from psycopg.rows import dict_row

from checklists.watch.period import Period
from harness.exit_codes import CannotJudge, first_line

_TENANTS = """
SELECT t.id::text AS id, t.time_zone FROM tenants t
WHERE %(services)s::uuid[] IS NULL OR t.id IN (SELECT tenant_id FROM services WHERE id = ANY(%(services)s))
ORDER BY t.created_at
"""
_SERVICES = "SELECT id::text, name FROM services WHERE tenant_id = ANY(%(tenants)s::uuid[])"
# The period's jobs: made in it, or holding time after its start (which jobs made in it may meet).
_JOBS = """
SELECT j.id::text AS id, j.tenant_id::text AS tenant_id, j.service_id::text AS service_id, j.title,
       j.source, j.status, j.start_time AS start, j.end_time AS "end", j.created_at,
       COALESCE((s.booking_settings->>'maxBookingsPerSlot')::int, 1) AS capacity
FROM jobs j LEFT JOIN services s ON s.id = j.service_id
WHERE j.tenant_id = ANY(%(tenants)s::uuid[]) AND j.created_at < %(until)s
  AND (j.created_at >= %(since)s OR j.end_time > %(since)s)
"""
_HISTORY = """
SELECT job_id::text AS job_id, from_status, to_status, changed_at FROM job_status_history
WHERE job_id = ANY(%(jobs)s::uuid[]) ORDER BY job_id, id
"""
_EMAILS = """
SELECT id, job_id::text AS job_id, kind, recipient, state, created_at FROM email_outbox
WHERE tenant_id = ANY(%(tenants)s::uuid[]) AND created_at >= %(since)s AND created_at < %(until)s
ORDER BY id
"""
_SUPPRESSIONS = """
SELECT email, reason, created_at FROM email_suppressions
WHERE tenant_id = ANY(%(tenants)s::uuid[]) AND created_at >= %(since)s AND created_at < %(until)s
"""
_PAGE_VIEWS = """
SELECT v.service_id::text AS service_id, v.hour, v.views FROM booking_page_views v
JOIN services s ON s.id = v.service_id
WHERE s.tenant_id = ANY(%(tenants)s::uuid[]) AND v.hour >= date_trunc('hour', %(since)s::timestamptz)
  AND v.hour < %(until)s
"""


@dataclass(frozen=True)
class Change:
    from_status: str | None
    to_status: str
    at: datetime


@dataclass(frozen=True)
class Job:
    id: str
    tenant_id: str
    service_id: str | None
    title: str
    source: str
    status: str
    start: datetime
    end: datetime
    created_at: datetime
    capacity: int
    history: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Email:
    id: int
    job_id: str | None
    kind: str
    recipient: str
    state: str
    created_at: datetime


@dataclass
class PeriodRecords:
    period: Period
    tz: ZoneInfo
    services: dict[str, str]  # id -> name
    jobs: list[Job] = field(default_factory=list)
    emails: list[Email] = field(default_factory=list)
    suppressions: list[dict[str, Any]] = field(default_factory=list)
    page_views: list[dict[str, Any]] = field(default_factory=list)
    excluded_service: str | None = None  # the canary's: its bookings are not the business's

    def service_name(self, service_id: str | None) -> str:
        return self.services.get(service_id or "", "(no service)")

    def business_jobs(self) -> list[Job]:
        return [j for j in self.jobs if j.service_id is None or j.service_id != self.excluded_service]


def read_records(
    database_url: str, period: Period, service_ids: list[str], *, canary_service: str | None = None
) -> PeriodRecords:
    """The period's rows; CannotJudge in one line when the database cannot be read."""
    window = {"since": period.since, "until": period.until}
    try:
        with psycopg.connect(database_url, row_factory=dict_row, connect_timeout=10) as conn:
            conn.execute("SET TimeZone TO 'UTC'")
            tenants = conn.execute(_TENANTS, {"services": service_ids or None}).fetchall()
            ids = [t["id"] for t in tenants]
            services = {r["id"]: r["name"] for r in conn.execute(_SERVICES, {"tenants": ids})}
            rows = conn.execute(_JOBS, {"tenants": ids, **window}).fetchall()
            changes: dict[str, list[Change]] = defaultdict(list)
            for h in conn.execute(_HISTORY, {"jobs": [r["id"] for r in rows]}):
                changes[h["job_id"]].append(Change(h["from_status"], h["to_status"], h["changed_at"]))
            emails = [Email(**r) for r in conn.execute(_EMAILS, {"tenants": ids, **window})]
            suppressions = conn.execute(_SUPPRESSIONS, {"tenants": ids, **window}).fetchall()
            page_views = conn.execute(_PAGE_VIEWS, {"tenants": ids, **window}).fetchall()
    except psycopg.Error as exc:
        raise CannotJudge(
            f"cannot read the target's database ({first_line(exc)}): check databaseUrl"
        ) from None
    tz = ZoneInfo(tenants[0]["time_zone"]) if tenants else ZoneInfo("UTC")
    jobs = [Job(**row, history=tuple(changes.get(row["id"], ()))) for row in rows]
    return PeriodRecords(period, tz, services, jobs, emails, suppressions, page_views, canary_service)
