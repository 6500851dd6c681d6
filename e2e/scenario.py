"""Setting up and reading back data through the JSON API, for the browser tests: the pages are
what is tested, the API is how a test arranges and checks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page

from harness.adapters.reference_client import BookingApi
from harness.target import Target

SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"


def screenshot(page: Page, name: str) -> Path:
    """A full-page PNG in artifacts/screenshots/ (the folder the docs name)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def service_id(target: Target, role: str) -> str:
    found = target.service(role)
    if found is None:
        pytest.skip(f"the target names no {role!r} service")
    return found


def service_zone(api: BookingApi, service: str) -> ZoneInfo:
    response = api.service(service)
    assert response.status_code == 200, response.text
    return ZoneInfo(response.json()["timeZone"])


def local_day(instant: str, tz: ZoneInfo) -> str:
    return datetime.fromisoformat(instant).astimezone(tz).date().isoformat()


def free_slots(api: BookingApi, service: str, first: date, days: int = 30) -> list[dict[str, Any]]:
    response = api.availability(service, first, first + timedelta(days=days - 1))
    assert response.status_code == 200, response.text
    return [slot for slot in response.json()["slots"] if slot["remaining"] > 0]


def book_first_free(
    api: BookingApi, service: str, *, name: str, email: str, notes: str | None = None, skip: int = 0
) -> dict[str, Any]:
    """Book the first free slot of the service (after `skip` free ones) and return the job."""
    tz = service_zone(api, service)
    today = datetime.now(tz).date()
    for slot in free_slots(api, service, today)[skip:]:
        response = api.book(service, slot["startTime"], name=name, email=email, notes=notes)
        if response.status_code == 201:
            return dict(response.json()["job"])
        assert response.status_code in (409, 422), response.text  # taken or too soon meanwhile
    raise AssertionError(f"no free slot left to book on service {service}")


def create_free_job(api: BookingApi, title: str, day: date, tz: ZoneInfo) -> dict[str, Any]:
    """An admin job on `day` (local), in the first free half hour from 18:00, outside the demo
    services' hours so bookings made by other tests do not collide with it."""
    for quarter in range(0, 5 * 4):
        start = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(
            hours=18, minutes=15 * quarter
        )
        body = {
            "title": title,
            "startTime": start.isoformat(),
            "endTime": (start + timedelta(minutes=30)).isoformat(),
        }
        response = api.create_job(body)
        if response.status_code == 201:
            return dict(response.json()["job"])
        assert response.status_code == 409, response.text
    raise AssertionError(f"no free half hour on {day} for {title!r}")


def fetch_job(api: BookingApi, job_id: str) -> dict[str, Any]:
    response = api.job(job_id)
    assert response.status_code == 200, response.text
    return dict(response.json()["job"])


def jobs_for(api: BookingApi, email: str, day: str) -> list[dict[str, Any]]:
    """This run's jobs of one contact on a local day (the admin API's day filter)."""
    first = datetime.fromisoformat(day).date()
    response = api.jobs(first, first)
    assert response.status_code == 200, response.text
    return [job for job in response.json()["jobs"] if job["contact"] and job["contact"]["email"] == email]
