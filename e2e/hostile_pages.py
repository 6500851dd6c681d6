"""Suite 7's hostile-text check: every field of harness/hostile_text.py stored once with its
payloads, then each page that shows them visited once and read in the browser.

On the local reference stack (a target whose database the harness owns) the check seeds its
own business, named with hostile text, whose admin also has a hostile name: the business's and
the admin's names are set by the operator, never by the API. On another target it uses the
target's business, creates its services for the run and deletes them afterwards; the two
operator-set names are then reported as not checked."""

from __future__ import annotations

import contextlib
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import Page

from e2e.scenario import service_id, service_zone
from harness.adapters import reference_paths
from harness.adapters.reference_client import BookingApi
from harness.hostile_text import FIELD_BY_NAME, MARKER_ATTRIBUTE, WINDOW_FLAG, HostileValue
from harness.inert_email import plain
from harness.target import Target

ALL_DAY = {
    day: [{"start": "00:00", "end": "24:00"}] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
}
# The element (by data-testid) a stored value is rendered in, and so the field to blame when
# markup appears inside it.
FIELD_OF_TESTID = {
    "service-name": "service.name",
    "service-description": "service.description",
    "business-name": "tenant.name",
    "job-title": "job.title (a booking's title is service.name: contact.name)",
    "job-panel-title": "job.title (a booking's title is service.name: contact.name)",
    "job-panel-contact-name": "contact.name",
    "job-panel-contact": "contact.email or contact.phone",
    "job-panel-notes": "job.notes",
    "job-panel-decline-reason": "job.decline_reason",
    "job-panel-cancel-reason": "job.cancel_reason",
    "job-history": "job.decline_reason or job.cancel_reason",
    "signed-in-as": "admin.name",
    "job-service": "service.name",
    "conflict": "job.title",
    "job-title-input": "job.title (typed back in the new-job form)",
}
_FIND_INJECTED = """([attr, flag]) => {
  const found = [];
  const note = (el, why) => {
    const holder = el.closest('[data-testid]');
    const start = el.outerHTML.slice(0, el.outerHTML.indexOf('>') + 1 || 160);
    found.push({testid: holder ? holder.dataset.testid : null, why, html: start.slice(0, 160)});
  };
  for (const el of document.querySelectorAll('[' + attr + ']')) note(el, 'injected element');
  for (const el of document.querySelectorAll('script:not([src])')) note(el, 'inline script');
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (a.name.startsWith('on')) note(el, 'event handler ' + a.name);
      else if (['href', 'src', 'action', 'formaction'].includes(a.name) && /^\\s*javascript:/i.test(a.value))
        note(el, 'javascript: URL');
    }
  }
  return {found, flag: window[flag] === undefined ? null : String(window[flag])};
}"""


@dataclass
class HostileWorld:
    """What the check stored, and where to look for it."""

    api: BookingApi
    admin_email: str
    admin_password: str
    tz: ZoneInfo
    day: date
    tag: str
    business_name: str | None  # None: the operator's, not ours (not checked)
    admin_name: str | None
    services: list[dict[str, Any]] = field(default_factory=list)
    bookings: list[dict[str, Any]] = field(default_factory=list)
    admin_jobs: list[dict[str, Any]] = field(default_factory=list)
    declined: dict[str, Any] = field(default_factory=dict)
    cancelled: list[dict[str, Any]] = field(default_factory=list)
    free_starts: list[str] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)

    def values(self, name: str) -> list[HostileValue]:
        return FIELD_BY_NAME[name].values(self.tag)

    def value(self, name: str, index: int) -> str:
        values = self.values(name)
        return values[index % len(values)].text

    @property
    def jobs(self) -> list[dict[str, Any]]:
        return [*self.bookings, *self.admin_jobs]


def _ok(response: Any, *expected: int) -> dict[str, Any]:
    assert response.status_code in (expected or (200, 201)), response.text
    return dict(response.json())


@contextlib.contextmanager
def hostile_world(target: Target, api: BookingApi) -> Iterator[HostileWorld]:
    tag = f"h{secrets.token_hex(3)}"
    with contextlib.ExitStack() as stack:
        if target.local and target.database_url:
            from reference_app.local.seed import seed

            business = FIELD_BY_NAME["tenant.name"].values(tag)[0].text
            admin = FIELD_BY_NAME["admin.name"].values(tag)[0].text
            seeded = seed(
                target.database_url,
                tenant_name=business,
                admin_name=admin,
                admin_email=f"hostile-admin-{tag}@example.com",
                time_zone="America/New_York",
            )
            own = stack.enter_context(BookingApi(target.base_url))
            _ok(own.login(seeded.admin_email, seeded.admin_password))
            world = HostileWorld(
                own,
                seeded.admin_email,
                seeded.admin_password,
                ZoneInfo(seeded.time_zone),
                date.today(),
                tag,
                business,
                admin,
            )
        else:
            world = HostileWorld(
                api,
                target.admin_email or "",
                target.admin_password or "",
                service_zone(api, service_id(target, "standard")),
                date.today(),
                tag,
                None,
                None,
                not_checked=["tenant.name", "admin.name"],
            )
        try:
            _store(world)
            yield world
        finally:
            for service in world.services:
                world.api.delete_service(service["id"])


def _store(world: HostileWorld) -> None:
    api = world.api
    names = world.values("service.name")
    description = world.value("service.description", 0)
    for index, name in enumerate(names):
        settings = {
            "workingHours": ALL_DAY,
            "slotIntervalMinutes": 30,
            "advanceBookingDays": 30,
            "requireConfirmation": index == 0,  # one pending booking, to decline
        }
        body = {
            "name": name.text,
            "description": description,
            "durationMinutes": 30,
            "bookingSettings": settings,
        }
        world.services.append(_ok(api.create_service(body), 201)["service"])
    count = max(len(world.values(n)) for n in ("service.name", "contact.name", "job.title"))
    world.day, starts = _free_day(world, needed=2 * count + 2)
    phone = world.value("contact.phone", 0)
    notes = world.value("job.notes", 0)
    for index in range(count):
        service = world.services[index % len(world.services)]
        booked = api.book(
            service["id"],
            starts.pop(0),
            name=world.value("contact.name", index),
            email=f"hostile-{world.tag}-{index}@example.com",
            phone=phone,
            notes=notes,
        )
        world.bookings.append(_ok(booked, 201)["job"])
        start = datetime.fromisoformat(starts.pop(0))
        body = {
            "title": world.value("job.title", index),
            "startTime": start.isoformat(),
            "endTime": (start + timedelta(minutes=30)).isoformat(),
            "contact": {
                "name": world.value("contact.name", index),
                "email": world.value("contact.email", index),
                "phone": phone,
            },
            "notes": notes,
        }
        world.admin_jobs.append(_ok(api.create_job(body), 201)["job"])
    world.free_starts = starts
    decline_reason = world.value("job.decline_reason", 0)
    cancel_reason = world.value("job.cancel_reason", 0)
    world.declined = _ok(api.act(world.bookings[0]["id"], "decline", decline_reason))["job"]
    world.cancelled = [
        _ok(api.act(job["id"], "cancel", cancel_reason))["job"]
        for job in (world.bookings[1], world.admin_jobs[0])
    ]
    _check_stored(world)


def _free_day(world: HostileWorld, needed: int) -> tuple[date, list[str]]:
    """The first day from the day after tomorrow with `needed` free half hours on the business's
    calendar (the run's services share it), and those starts."""
    first = datetime.now(world.tz).date() + timedelta(days=2)
    response = world.api.availability(world.services[1]["id"], first, first + timedelta(days=13))
    slots = [s["startTime"] for s in _ok(response)["slots"] if s["remaining"] > 0]
    by_day = Counter(datetime.fromisoformat(s).astimezone(world.tz).date() for s in slots)
    day = next((d for d in sorted(by_day) if by_day[d] >= needed), None)
    assert day is not None, f"no day within two weeks has {needed} free half hours"
    return day, [s for s in slots if datetime.fromisoformat(s).astimezone(world.tz).date() == day]


def _check_stored(world: HostileWorld) -> None:
    """The API kept every value as sent: what the pages must show is what was stored."""
    for service, name in zip(world.services, world.values("service.name"), strict=False):
        assert service["name"] == name.text and service["description"] == world.value(
            "service.description", 0
        )
    for index, job in enumerate(world.bookings):
        assert job["contact"]["name"] == world.value("contact.name", index), job["contact"]
    for index, job in enumerate(world.admin_jobs):
        assert job["title"] == world.value("job.title", index) and job["notes"] == world.value("job.notes", 0)
        assert job["contact"]["email"] == world.value("contact.email", index), job["contact"]
    assert world.declined["declineReason"] == world.value("job.decline_reason", 0)


def refused_payloads(world: HostileWorld) -> list[str]:
    """Payloads a strict field refuses must get a 422 with nothing stored (never a 500)."""
    problems = []
    service = world.services[1]["id"]
    for name, contact in (
        (
            "contact.phone",
            {"name": "Refused phone", "email": f"r-{world.tag}@example.com", "phone": "<b>1</b>"},
        ),
        ("contact.email", {"name": "Refused email", "email": f"<b x>{world.tag}@example.com"}),
    ):
        start = world.free_starts[0]
        response = world.api.http.post(
            reference_paths.booking(service), json={"startTime": start, "contact": contact}
        )
        if response.status_code != 422:
            problems.append(
                f"{name}: a refused payload got {response.status_code}, not 422: {response.text[:200]}"
            )
    return problems


def injected(page: Page, page_name: str, dialogs: list[str]) -> list[str]:
    """Everything on the page a payload made: dialogs, marked elements, inline scripts, event
    handlers, javascript: URLs and the window flag, each named with the field it came from."""
    result = page.evaluate(_FIND_INJECTED, [MARKER_ATTRIBUTE, WINDOW_FLAG])
    problems = []
    for item in result["found"]:
        # Markup that escaped its element (an unclosed tag) is named by where it landed.
        field_name = FIELD_OF_TESTID.get(item["testid"] or "", f"a stored value (landed in {item['testid']})")
        problems.append(f"{field_name} on the {page_name}: {item['why']} {plain(item['html'])}")
    if result["flag"] is not None:
        problems.append(
            f"a script of a stored value ran on the {page_name} (window.{WINDOW_FLAG}={result['flag']})"
        )
    problems.extend(f"a dialog opened on the {page_name}: {message!r}" for message in dialogs)
    dialogs.clear()
    return problems


def literal(shown: str | None, stored: str, field_name: str, page_name: str) -> list[str]:
    """The text on the page is the stored value, character for character (runs of white space
    aside: HTML collapses them)."""
    if plain(shown or "") == plain(stored):
        return []
    return [f"{field_name} on the {page_name} is not shown as stored: {plain(shown or '')[:160]!r}"]
