"""The watch against a local stack after a seeded week (tests/watch/seeded_week.py): each seed
metric has the value the seeding implies, the plots are drawn, and a double-booking planted in
the database and a suppressed address each turn their metric red (with --gate: exit 1); a
target whose figures cannot be read is no verdict (exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from checklists.watch.scrapes import ScrapeStore, scrape
from harness.api_client import BookingApi
from harness.target import Target
from tests.integration.calls import wait_until
from tests.watch.conftest import WatchRun, write_target
from tests.watch.seeded_week import BOUNCE, Week, seed_week

pytestmark = [pytest.mark.slow, pytest.mark.processes]
NAMES = {"standard": "Standard visit", "consultation": "Consultation (needs confirmation)"}
HOUR = 3600.0


@pytest.fixture(scope="module")
def week(stack: Target, folder: Path) -> Week:
    ScrapeStore(folder / "state", stack).add(scrape(stack, datetime.now(UTC)))  # before the week
    return seed_week(stack)


@pytest.fixture(scope="module")
def watch(stack: Target, folder: Path) -> WatchRun:
    return WatchRun(folder, write_target(folder / "target.json", stack))


@pytest.fixture(scope="module")
def seeded(week: Week, watch: WatchRun) -> tuple[dict[str, dict[str, Any]], Path, datetime]:
    code, report, report_dir = watch("--since", "7d")
    assert code == 0, report["verdict"]  # without --gate, only a canary alert fails the watch
    return {m["key"]: m for m in report["metrics"]}, report_dir, datetime.now(UTC)


def test_bookings_by_service_and_day(week: Week, seeded: Any) -> None:
    bookings = seeded[0]["bookings"]
    expected: dict[str, dict[str, int]] = {}
    for (role, day), count in week.bookings.items():
        expected.setdefault(NAMES[role], {})[day.isoformat()] = count
    assert bookings["evidence"]["byServiceAndDay"] == expected
    assert bookings["value"] == 12 == sum(week.bookings.values())
    assert sum(point["value"] for point in bookings["trend"]) == 12
    assert len(bookings["trend"]) in (7, 8)  # the days the 7-day period touches


def test_conversion_is_bookings_over_pages_opened(seeded: Any) -> None:
    conversion = seeded[0]["conversion"]
    assert conversion["value"] == pytest.approx(100 * 12 / 18)
    assert conversion["evidence"]["byService"][NAMES["standard"]] | {"conversion": ""} == {
        "pagesOpened": 10,
        "bookingsMade": 8,
        "conversion": "",
    }
    assert conversion["evidence"]["byService"][NAMES["consultation"]]["bookingsMade"] == 4


def test_no_double_booking_in_the_week(seeded: Any) -> None:
    found = seeded[0]["double-booking"]
    assert (found["value"], found["verdict"], found["evidence"]["incidents"]) == (0, "met", [])
    assert found["evidence"]["jobsAudited"] == 12


def test_email_delivery_counts_the_bounce(seeded: Any) -> None:
    delivery = seeded[0]["email-delivery"]
    # 12 bookings x (client + contractor) + 2 confirmations + 1 decline, one of them bounced.
    assert delivery["evidence"]["byState"] == {"sent": 27}
    assert delivery["evidence"]["bounced"] == [BOUNCE]
    assert delivery["value"] == pytest.approx(100 * 26 / 27)
    assert delivery["verdict"] == "met"


def test_api_error_rate_is_the_forced_5xx_over_the_weeks_requests(week: Week, seeded: Any) -> None:
    errors = seeded[0]["api-errors"]
    assert (errors["evidence"]["errors"], errors["evidence"]["requests"]) == (1, week.requests)
    assert errors["evidence"]["errorsByRoute"] == {"POST /services/{service_id}/book": 1}
    assert errors["value"] == pytest.approx(100 / week.requests)
    assert errors["verdict"] == ("met" if 100 / week.requests < 1 else "breached")


def test_response_time_percentiles_from_the_histogram(week: Week, seeded: Any) -> None:
    timing = seeded[0]["response-time"]
    evidence = timing["evidence"]
    assert 0 < evidence["p50Seconds"] <= evidence["p95Seconds"] <= evidence["p99Seconds"]
    assert timing["value"] == pytest.approx(evidence["averageSeconds"] * 1000)
    assert timing["verdict"] == ("met" if timing["value"] < 500 else "breached")
    [interval] = evidence["overTime"]  # one interval: the baseline scrape to this one
    assert interval["requests"] == week.requests


def test_staff_confirmation_time_from_the_history(week: Week, seeded: Any) -> None:
    confirmation = seeded[0]["confirmation-time"]
    evidence = confirmation["evidence"]
    assert (evidence["answered"], evidence["confirmed"], evidence["declined"]) == (3, 2, 1)
    assert evidence["medianSeconds"] == pytest.approx(3 * HOUR)  # of 1 h, 3 h and 5 h
    assert evidence["p90Seconds"] == pytest.approx(4.6 * HOUR)
    [waiting] = evidence["slowestStillWaiting"]
    assert waiting["jobId"] == week.jobs["consultation 3"]
    since = week.noon(2)
    assert (week.now - since).total_seconds() - 1 <= waiting["waitingSeconds"]
    assert waiting["waitingSeconds"] <= (seeded[2] - since).total_seconds() + 1


def test_no_show_rate(week: Week, seeded: Any) -> None:
    no_show = seeded[0]["no-show"]
    assert no_show["value"] == 50.0
    assert no_show["evidence"]["byStatus"] == {"no-show": 1, "completed": 1}
    assert [j["jobId"] for j in no_show["evidence"]["noShows"]] == [week.jobs["no-show"]]


def test_the_plots_are_drawn_and_the_reports_written(seeded: Any) -> None:
    report_dir: Path = seeded[1]
    drawn = sorted(p.name for p in (report_dir / "plots").iterdir())
    assert drawn == [
        "bookings-per-day.png",
        "confirmation-time.png",
        "delivery-rate.png",
        "latency-percentiles.png",
    ]
    assert all((report_dir / "plots" / name).read_bytes().startswith(b"\x89PNG") for name in drawn)
    html = (report_dir / "watch.html").read_text()
    assert html.count("data:image/png;base64,") == 4
    junit = (report_dir / "watch-junit.xml").read_text()
    assert junit.count("<testcase") == 4  # one per seed target
    assert "| Double-booking incidents | 0 |" in (report_dir / "watch.md").read_text()


def test_teeth_a_double_booking_planted_in_the_database(week: Week, watch: WatchRun) -> None:
    [(tenant, service, start, end)] = week.sql(
        "SELECT tenant_id, service_id, start_time, end_time FROM jobs WHERE id = %s", week.jobs["standard 0"]
    )
    [(planted,)] = week.sql(
        "INSERT INTO jobs (tenant_id, service_id, title, start_time, end_time, status, source) "
        "VALUES (%s, %s, 'Planted twin', %s, %s, 'scheduled', 'admin') RETURNING id::text",
        tenant,
        service,
        start,
        end,
    )
    try:
        code, report, _ = watch("--since", "7d", "--gate")
    finally:
        week.sql("DELETE FROM jobs WHERE id = %s", planted)
    found = next(m for m in report["metrics"] if m["key"] == "double-booking")
    assert (code, found["verdict"], found["value"]) == (1, "breached", 1)
    [incident] = found["evidence"]["incidents"]
    assert sorted(j["id"] for j in incident["jobs"]) == sorted([planted, week.jobs["standard 0"]])
    assert planted in found["why"] and any("Double-booking incidents" in line for line in report["verdict"])


def test_teeth_a_suppressed_address_lowers_delivery_below_target(
    stack: Target, week: Week, watch: WatchRun
) -> None:
    address = f"suppressed-{uuid.uuid4().hex[:6]}@example.com"
    [(tenant,)] = week.sql("SELECT tenant_id FROM services WHERE id = %s", stack.services["standard"])
    week.sql(
        "INSERT INTO email_suppressions (tenant_id, email, reason) VALUES (%s, %s, 'complaint')",
        tenant,
        address,
    )
    with BookingApi(stack.base_url) as api:
        booked = api.book(
            stack.services["standard"], week.slots["standard"][1], name="Suppressed", email=address
        )
    assert booked.status_code == 201, booked.text
    job = booked.json()["job"]["id"]
    try:
        wait_until(
            lambda: not week.sql("SELECT 1 FROM email_outbox WHERE state = 'pending'"), 60, "the outbox"
        )
        code, report, _ = watch("--since", "7d", "--gate")
    finally:
        week.sql("DELETE FROM email_outbox WHERE job_id = %s", job)
        week.sql("DELETE FROM jobs WHERE id = %s", job)
        week.sql("DELETE FROM email_suppressions WHERE email = %s", address)
    delivery = next(m for m in report["metrics"] if m["key"] == "email-delivery")
    assert delivery["evidence"]["suppressedRecipients"] == [address]
    assert delivery["value"] == pytest.approx(100 * 27 / 29)  # 28 sent (1 bounced) + 1 suppressed
    assert (code, delivery["verdict"]) == (1, "breached")


def test_a_target_whose_figures_cannot_be_read_gets_no_verdict(stack: Target, folder: Path) -> None:
    """The command itself: no databaseUrl and no metrics token, so no seed target can be judged."""
    blind = write_target(folder / "blind.json", stack, databaseUrl=None, metricsToken=None)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "checklists",
            "watch",
            "--target-file",
            str(blind),
            "--gate",
            "--report-dir",
            str(folder / "blind"),
            "--state-dir",
            str(folder / "blind-state"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot judge: Double-booking incidents: the target names no databaseUrl" in done.stdout
    assert "refused the metrics scrape (401)" in done.stdout
