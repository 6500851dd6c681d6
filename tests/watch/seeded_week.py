"""A week of a business's history, made through the reference service's real API on a local
stack, and what the watch must find in it. The API cannot make the past, so the history's
timestamps are moved back directly in the stack's scratch database (each booking's created_at
and its history rows, and two booked jobs' times into the past, where no-show and completed
belong); everything else (bookings, confirmations, the decline, the bounce, the no-show, the
forced 5xx) goes through the API, and every request is counted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import psycopg

from harness.adapters.reference_client import BookingApi
from harness.target import Target
from tests.integration.calls import wait_until

BOUNCE = "bounce@simulator.amazonses.com"
FORCED_5XX = "force-5xx@example.com"
REFUSE_OUTBOX = f"""
CREATE FUNCTION watch_refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'outbox refused'; END $$;
CREATE TRIGGER watch_refuse_outbox BEFORE INSERT ON email_outbox
    FOR EACH ROW WHEN (NEW.recipient = '{FORCED_5XX}') EXECUTE FUNCTION watch_refuse_outbox();
"""
ALLOW_OUTBOX = "DROP TRIGGER watch_refuse_outbox ON email_outbox; DROP FUNCTION watch_refuse_outbox();"
# (service role, days ago it was made): the week's bookings (the 4 consultations are below)
STANDARD_DAYS = (6, 4, 4, 1, 0)
BROWSES = 90  # availability look-ups of clients who did not book (the error rate's other requests)
PAGES = {"standard": 10, "consultation": 8}
# The consultations: days ago, then what staff did and how many hours after the request.
CONSULTATIONS = ((5, "confirm", 1), (4, "confirm", 3), (3, "decline", 5), (2, None, None))


@dataclass
class Week:
    target: Target
    tz: ZoneInfo
    now: datetime
    requests: int = 0
    bookings: Counter[tuple[str, date]] = field(default_factory=Counter)
    jobs: dict[str, str] = field(default_factory=dict)  # name -> job id
    slots: dict[str, list[str]] = field(default_factory=dict)

    def noon(self, days_ago: int) -> datetime:
        """Noon of a local day of the week (the moment itself, today: it may be before noon)."""
        if days_ago == 0:
            return self.now - timedelta(minutes=5)
        day = self.now.astimezone(self.tz).date() - timedelta(days=days_ago)
        return datetime.combine(day, time(12), tzinfo=self.tz).astimezone(UTC)

    def sql(self, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.target.database_url or "", autocommit=True) as conn:
            cur = conn.execute(statement.encode(), params or None)  # type: ignore[call-overload]
            return cur.fetchall() if cur.description else []


def _counting_api(week: Week) -> BookingApi:
    def count(_: httpx.Request) -> None:
        week.requests += 1

    return BookingApi(
        week.target.base_url,
        client=httpx.Client(base_url=week.target.base_url, timeout=30, event_hooks={"request": [count]}),
    )


def _book(week: Week, api: BookingApi, role: str, email: str, days_ago: int, name: str) -> str:
    service = week.target.services[role]
    start = week.slots[role].pop(0)
    response = api.book(service, start, name=name.title(), email=email)
    assert response.status_code == 201, response.text
    job_id = str(response.json()["job"]["id"])
    made = week.noon(days_ago)
    week.sql("UPDATE jobs SET created_at = %s WHERE id = %s", made, job_id)
    week.sql(
        "UPDATE job_status_history SET changed_at = %s WHERE job_id = %s AND from_status IS NULL",
        made,
        job_id,
    )
    week.bookings[(role, made.astimezone(week.tz).date())] += 1
    week.jobs[name] = job_id
    return job_id


def _into_the_past(week: Week, job_id: str, days_ago: int) -> None:
    start = datetime.combine(
        week.now.astimezone(week.tz).date() - timedelta(days=days_ago), time(10), tzinfo=week.tz
    )
    week.sql(
        "UPDATE jobs SET start_time = %s, end_time = %s WHERE id = %s",
        start,
        start + timedelta(hours=1),
        job_id,
    )


def seed_week(target: Target) -> Week:
    week = Week(target, ZoneInfo("UTC"), datetime.now(UTC))
    counted = _counting_api(week)
    week.tz = ZoneInfo(counted.service(target.services["standard"]).json()["timeZone"])
    assert counted.login(target.admin_email or "", target.admin_password or "").status_code == 200
    today = week.now.date()

    def free(role: str) -> list[str]:
        found = counted.availability(target.services[role], today, today + timedelta(days=28)).json()["slots"]
        return [s["startTime"] for s in found if s["remaining"] > 0]

    week.slots["standard"] = free("standard")
    for role, views in PAGES.items():
        for _ in range(views):
            assert counted.http.get(f"/book/{target.services[role]}").status_code == 200
    for _ in range(BROWSES):
        assert counted.availability(target.services["standard"], today, today).status_code == 200
    for n, days_ago in enumerate(STANDARD_DAYS):
        _book(week, counted, "standard", f"client{n}@example.com", days_ago, f"standard {n}")
    _book(week, counted, "standard", BOUNCE, 3, "bounced")
    _into_the_past(week, _book(week, counted, "standard", "gone@example.com", 5, "no-show"), 1)
    _into_the_past(week, _book(week, counted, "standard", "came@example.com", 5, "completed"), 2)
    assert counted.act(week.jobs["no-show"], "no-show").status_code == 200
    for action in ("start", "complete"):
        assert counted.act(week.jobs["completed"], action).status_code == 200
    week.sql(REFUSE_OUTBOX)
    try:  # the forced 5xx: the database refuses the booking's email, the booking rolls back
        forced = counted.book(
            target.services["standard"], week.slots["standard"][0], name="Forced", email=FORCED_5XX
        )
        assert forced.status_code == 500, forced.text
    finally:
        week.sql(ALLOW_OUTBOX)
    week.slots["consultation"] = free("consultation")  # one calendar: after the standard visits
    for n, (days_ago, action, hours) in enumerate(CONSULTATIONS):
        job_id = _book(
            week, counted, "consultation", f"consult{n}@example.com", days_ago, f"consultation {n}"
        )
        if action is not None and hours is not None:
            assert (
                counted.act(
                    job_id, action, reason="Fully booked" if action == "decline" else None
                ).status_code
                == 200
            )
            answered = week.noon(days_ago) + timedelta(hours=hours)
            week.sql(
                "UPDATE job_status_history SET changed_at = %s WHERE job_id = %s AND from_status IS NOT NULL",
                answered,
                job_id,
            )
    settle(week)
    return week


def settle(week: Week) -> None:
    """Every email of the week sent (or suppressed), and SES's bounce applied."""
    wait_until(
        lambda: not week.sql("SELECT 1 FROM email_outbox WHERE state = 'pending'"), 60, "the outbox sent"
    )
    wait_until(
        lambda: week.sql("SELECT 1 FROM email_suppressions WHERE email = %s", BOUNCE), 60, "the bounce"
    )
