"""Suite 7, edge cases: DST-change days in the business's zone, a slot ending at midnight,
long and non-Latin names, a script in a name, hostile text in every stored field on every page
and in every email (harness/hostile_text.py), a double submit, the back button after booking,
and an admin session that ends while a page is open."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request, expect

from e2e.hostile_pages import HostileWorld, hostile_world, injected, literal, refused_payloads
from e2e.mail import MailReader
from e2e.page_checks import VIEWS, clock_label, plain_spaces, sign_in
from e2e.page_objects.booking_page import BookingPage
from e2e.page_objects.login_page import LoginPage
from e2e.page_objects.schedule_page import SchedulePage
from e2e.scenario import book_first_free, fetch_job, jobs_for, local_day, service_id
from harness.adapters.reference_client import BookingApi
from harness.hostile_text import BOOKING_PAGE, CONFIRMATION, FIELDS, ICS_KINDS
from harness.inert_email import Expected, email_problems
from harness.target import Target

pytestmark = pytest.mark.suite7

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
XSS_NAME = "<script>alert(1)</script>"
XSS_NOTES = '<img src=x onerror="alert(2)">'
NAMES = {
    "emoji": "Zoë 🦄 Ωμέγα 🎉 Łukasz",
    "right-to-left": "שלום עליכם مرحبا بكم",
    "200 characters": ("Αλέξανδρος-Jean-Baptiste 山田太郎 " * 8)[:200],
}


def day_offsets(tz: ZoneInfo, day: date) -> tuple[timedelta | None, timedelta | None]:
    start = datetime.combine(day, time(0), tzinfo=tz).utcoffset()
    end = datetime.combine(day, time(23, 59), tzinfo=tz).utcoffset()
    return start, end


def next_dst_change(tz: ZoneInfo, forward: bool, within_days: int = 700) -> date | None:
    today = datetime.now(tz).date()
    for offset in range(1, within_days):
        day = today + timedelta(days=offset)
        before, after = day_offsets(tz, day)
        if before is not None and after is not None and before != after and (after > before) == forward:
            return day
    return None


@pytest.fixture
def round_the_clock(make_service: Any) -> dict[str, Any]:
    """Bookable every half hour of every day, as far ahead as settings allow."""
    hours = {day: [{"start": "00:00", "end": "24:00"}] for day in WEEK}
    return dict(
        make_service("all-day", 30, workingHours=hours, slotIntervalMinutes=30, advanceBookingDays=730)
    )


def shown_slots(booking: BookingPage) -> list[tuple[str, str]]:
    """(label, start) of every time the page offers."""
    booking.wait_for_slots()
    count = booking.slots.count()
    return [
        (
            plain_spaces(booking.slot_labels.nth(i).inner_text()),
            booking.slots.nth(i).get_attribute("value") or "",
        )
        for i in range(count)
    ]


def dst_day(tz: ZoneInfo, forward: bool) -> date:
    found = next_dst_change(tz, forward)
    if found is None:
        pytest.skip(f"the business's zone {tz.key} has no DST change within the booking window")
    return found


def test_dst_spring_forward_day_has_no_slot_in_the_gap(
    page: Page, api: BookingApi, round_the_clock: dict[str, Any], tz: ZoneInfo
) -> None:
    day = dst_day(tz, forward=True)
    booking = BookingPage(page).open(round_the_clock["id"])
    booking.choose_day(day.isoformat())
    slots = shown_slots(booking)
    api_starts = [s["startTime"] for s in api.availability(round_the_clock["id"], day, day).json()["slots"]]
    assert len(slots) == len(api_starts) == 46, f"{len(slots)} slots on {day}: 23 hours make 46"
    for label, start in slots:
        local = datetime.fromisoformat(start.replace("Z", "+00:00")).astimezone(tz)
        assert local.date() == day and label == clock_label(start, tz), (label, start)
    gap = [label for label, start in slots if label.startswith("2:") and label.endswith("AM")]
    assert gap == [], f"times in the spring-forward gap offered: {gap}"


def test_dst_fall_back_day_offers_each_slot_once(
    page: Page, round_the_clock: dict[str, Any], tz: ZoneInfo
) -> None:
    day = dst_day(tz, forward=False)
    booking = BookingPage(page).open(round_the_clock["id"])
    booking.choose_day(day.isoformat())
    slots = shown_slots(booking)
    labels = [label for label, _ in slots]
    assert len(labels) == len(set(labels)) == 48, f"{len(labels)} slots, repeated: {labels}"
    starts = [datetime.fromisoformat(s.replace("Z", "+00:00")) for _, s in slots]
    assert starts == sorted(starts)
    for label, start in slots:
        assert label == clock_label(start, tz), (label, start)
    one_am = next(start for label, start in zip(labels, starts, strict=True) if label == "1:00 AM")
    first = datetime.combine(day, time(1), tzinfo=tz)  # fold=0: the first 1:00
    # Compared as instants: Python never equates an ambiguous local time with another zone's.
    assert one_am.timestamp() == first.timestamp(), "the ambiguous 1:00 AM must be its first occurrence"


def test_a_slot_ending_at_midnight_can_be_booked(
    page: Page, api: BookingApi, make_service: Any, tz: ZoneInfo, unique: str
) -> None:
    hours = {day: [{"start": "22:00", "end": "24:00"}] for day in WEEK}
    late = make_service("late", 60, workingHours=hours, slotIntervalMinutes=60)
    # One business, one calendar: the first day on which other tests left both late slots free.
    first = datetime.now(tz).date() + timedelta(days=2)
    free = api.availability(late["id"], first, first + timedelta(days=20)).json()["slots"]
    days = [local_day(s["startTime"], tz) for s in free if s["remaining"] > 0]
    day = date.fromisoformat(next(d for d in days if days.count(d) == 2))
    booking = BookingPage(page).open(late["id"])
    booking.choose_day(day.isoformat())
    slots = shown_slots(booking)
    assert [label for label, _ in slots] == ["10:00 PM", "11:00 PM"]
    booking.slots.nth(1).check()
    email = f"midnight-{unique}@example.com"
    booking.fill_contact(f"Night {unique}", email)
    booking.book_button.click()
    expect(booking.confirmation).to_be_visible()
    expect(page.get_by_test_id("confirmation-detail")).to_contain_text("11:00 PM")
    assert "12:00 AM" in plain_spaces(page.get_by_test_id("confirmation-detail").inner_text())
    (job,) = jobs_for(api, email, day.isoformat())
    end = datetime.fromisoformat(job["endTime"].replace("Z", "+00:00"))
    assert end == datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


@pytest.fixture
def admin_page(new_context: Any, target: Target) -> Iterator[Page]:
    if not target.has_admin:
        pytest.skip("the target names no admin credentials")
    page = new_context().new_page()
    sign_in(page, target)
    yield page


def test_long_and_non_latin_names_are_shown_intact(
    page: Page, admin_page: Page, target: Target, api: BookingApi, tz: ZoneInfo, unique: str
) -> None:
    service = service_id(target, "callout")
    for kind, name in NAMES.items():
        booking = BookingPage(page).open(service)
        booking.choose_slot(0)
        email = f"{kind.replace(' ', '-')}-{unique}@example.com"
        booking.fill_contact(name, email)
        expect(booking.name).to_have_value(name)  # nothing cut at 200 characters
        booking.book_button.click()
        expect(booking.confirmation).to_be_visible()
        job = fetch_job(api, booking.reference.inner_text())
        assert job["contact"]["name"] == name, f"{kind} name stored as {job['contact']['name']!r}"
        schedule = SchedulePage(admin_page).open("day", local_day(job["startTime"], tz), job=job["id"])
        expect(schedule.panel_contact_name).to_have_text(name)
        expect(schedule.chip(job["id"])).to_be_visible()


def test_a_script_in_a_contact_name_is_shown_as_text(
    signed_in: Page, dialogs: list[str], target: Target, api: BookingApi, tz: ZoneInfo, unique: str
) -> None:
    job = book_first_free(
        api,
        service_id(target, "consultation"),
        name=XSS_NAME,
        email=f"xss-{unique}@example.com",
        notes=XSS_NOTES,
    )
    schedule = SchedulePage(signed_in)
    day = local_day(job["startTime"], tz)
    for view in VIEWS:
        schedule.open(view, day, job=job["id"])
        expect(schedule.chip(job["id"]).get_by_test_id("job-title")).to_contain_text(XSS_NAME)
        expect(schedule.panel_contact_name).to_have_text(XSS_NAME)
        expect(schedule.panel_notes).to_have_text(XSS_NOTES)
        assert signed_in.locator("script:not([src])").count() == 0
        assert signed_in.locator("img[src=x]").count() == 0
    assert dialogs == []


@pytest.fixture(scope="module")
def hostile(target: Target, api: BookingApi) -> Iterator[HostileWorld]:
    """Every stored text field filled with hostile payloads, once for the module."""
    with hostile_world(target, api) as world:
        yield world


def test_hostile_text_in_every_field_is_shown_inert(
    page: Page, dialogs: list[str], hostile: HostileWorld
) -> None:
    """Each page that shows a stored value shows it as text: no dialog, no element or script a
    payload could make, the characters as stored (harness/hostile_text.py names the fields)."""
    world = hostile
    problems = refused_payloads(world)
    try:
        visit_every_page(page, dialogs, world, problems)
    except (PlaywrightError, AssertionError) as error:
        if not problems:
            raise
        # Markup that escaped onto a page can hide what a later step needs (a form, an error
        # box): the findings so far are the verdict, and the step that stopped is named.
        problems.append(f"the check stopped early: {str(error).splitlines()[0]}")
    assert problems == [], f"{len(problems)} stored value(s) not shown inert:\n" + "\n".join(problems[:60])
    if world.not_checked:
        warnings.warn(
            f"set only by the target's operator, not checked here: {world.not_checked}", stacklevel=1
        )


def visit_every_page(page: Page, dialogs: list[str], world: HostileWorld, problems: list[str]) -> None:
    """Each page that shows stored values, once, adding what is wrong to `problems`."""
    booking = BookingPage(page)
    for service in world.services:
        booking.open(service["id"])
        expect(booking.service_name).to_be_attached()
        problems += literal(
            booking.service_name.text_content(), service["name"], "service.name", BOOKING_PAGE
        )
        problems += literal(
            page.title(), f"Book: {service['name']}", "service.name", f"{BOOKING_PAGE}'s title"
        )
        shown = page.get_by_test_id("service-description").text_content()
        problems += literal(shown, service["description"], "service.description", BOOKING_PAGE)
        if world.business_name is not None:
            shown = page.get_by_test_id("business-name").text_content()
            problems += literal(shown, world.business_name, "tenant.name", BOOKING_PAGE)
        problems += injected(page, BOOKING_PAGE, dialogs)

    # A client books through the form (the last service is instant), typing hostile text.
    booking.choose_day(world.day.isoformat())
    booking.choose_slot(0)
    booking.fill_contact(
        world.value("contact.name", 0),
        f"hostile-{world.tag}-form@example.com",
        phone=world.value("contact.phone", 0),
        notes=world.value("job.notes", 0),
    )
    typed = booking.name.input_value(), booking.notes.input_value()
    booking.book_button.click()
    expect(booking.confirmation).to_be_visible()
    problems += injected(page, CONFIRMATION, dialogs)
    job = fetch_job(world.api, booking.reference.inner_text())
    problems += literal(job["contact"]["name"], typed[0], "contact.name", "booking form (as stored)")
    problems += literal(job["notes"], typed[1], "job.notes", "booking form (as stored)")
    world.bookings.append(job)

    page.goto("/schedule")
    problems += injected(page, "login page", dialogs)
    LoginPage(page).sign_in(world.admin_email, world.admin_password)
    page.wait_for_url("**/schedule**")
    schedule = SchedulePage(page)
    panels = [*world.admin_jobs, world.declined, *world.cancelled[:1]]
    for index, shown_job in enumerate(panels):
        view = VIEWS[index % len(VIEWS)]
        where = f"calendar {view} view"
        schedule.open(view, world.day.isoformat(), job=shown_job["id"])
        expect(schedule.panel).to_be_visible()
        problems += calendar_problems(page, world, where)
        problems += panel_problems(page, fetch_job(world.api, shown_job["id"]), f"job panel ({where})")
        problems += injected(page, f"{where} with the job panel", dialogs)
    problems += conflict_list_problems(page, world, dialogs)


def conflict_list_problems(page: Page, world: HostileWorld, dialogs: list[str]) -> list[str]:
    """A job created over a hostile one: the 409 lists it by its stored title, and the form
    gives back the hostile title typed (an attribute value) as typed."""
    where = "calendar conflict list"
    taken = fetch_job(world.api, world.admin_jobs[1]["id"])
    start = datetime.fromisoformat(taken["startTime"]).astimezone(world.tz)
    typed = next(
        v.text
        for v in world.values("job.title")
        if "attribute-injection" in v.payloads and "crlf-header" not in v.payloads
    )
    schedule = SchedulePage(page)
    schedule.fill_new_job(
        typed, world.day.isoformat(), f"{start:%H:%M}", f"{start + timedelta(minutes=30):%H:%M}"
    )
    schedule.create_job.click()
    expect(schedule.error).to_be_visible()
    shown = [c.locator("strong").text_content() for c in schedule.conflicts.all()]
    problems = []
    if not any(literal(title, taken["title"], "", "") == [] for title in shown):
        problems.append(f"job.title on the {where} is not shown as stored: {shown}")
    problems += literal(schedule.job_title.input_value(), typed, "job.title", "new-job form (typed back)")
    return problems + injected(page, where, dialogs)


def calendar_problems(page: Page, world: HostileWorld, where: str) -> list[str]:
    titles = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('[data-testid=job-chip]')]"
        ".map(c => [c.dataset.jobId, c.querySelector('[data-testid=job-title]')?.textContent ?? null]))"
    )
    problems = []
    for job in world.jobs:
        if job["id"] not in titles:
            problems.append(f"job.title on the {where}: the job {job['id']} is not shown")
        else:
            problems += literal(titles[job["id"]], job["title"], "job.title", where)
    options = page.locator("[data-testid=job-service] option").all_text_contents()
    for service in world.services:
        wanted = f"{service['name']} ({service['durationMinutes']} min)"
        if not any(literal(option, wanted, "", "") == [] for option in options):
            problems.append(f"service.name on the new-job form ({where}) is not shown as stored")
    if world.admin_name is not None:
        header = page.get_by_test_id("signed-in-as").text_content() or ""
        problems += literal(header.split(" · ")[0], world.admin_name, "admin.name", f"{where}'s header")
    return problems


def panel_problems(page: Page, job: dict[str, Any], where: str) -> list[str]:
    panel = SchedulePage(page)
    problems = literal(panel.panel_title.text_content(), job["title"], "job.title", where)
    contact = job["contact"]
    problems += literal(panel.panel_contact_name.text_content(), contact["name"], "contact.name", where)
    link = page.get_by_test_id("job-panel-contact").locator("a")
    problems += literal(link.text_content(), contact["email"], "contact.email", where)
    if link.get_attribute("href") != f"mailto:{contact['email']}":
        problems.append(f"contact.email on the {where}: the mailto link is {link.get_attribute('href')!r}")
    if contact["phone"] and contact["phone"] not in (
        page.get_by_test_id("job-panel-contact").text_content() or ""
    ):
        problems.append(f"contact.phone on the {where} is not shown as stored")
    problems += literal(panel.panel_notes.text_content(), job["notes"], "job.notes", where)
    history = page.get_by_test_id("job-history").text_content() or ""
    for key, name in (("declineReason", "job.decline_reason"), ("cancelReason", "job.cancel_reason")):
        if job[key]:
            testid = "job-panel-decline-reason" if key == "declineReason" else "job-panel-cancel-reason"
            problems += literal(page.get_by_test_id(testid).text_content(), job[key], name, where)
            if " ".join(job[key].split()) not in " ".join(history.split()):
                problems.append(f"{name} in the job history ({where}) is not shown as stored")
    return problems


def test_hostile_text_reaches_every_email_inert(hostile: HostileWorld, target: Target) -> None:
    """Each email a stored value reaches, read from the mailbox and parsed: headers, text, HTML
    and .ics keep every value inert and as stored (harness/inert_email.py)."""
    if not target.mailbox_url:
        pytest.skip("the target names no readable mailbox (mailboxUrl): email content cannot be read")
    world = hostile
    reader = MailReader(world.api, target.mailbox_url)
    pending, cancelled = world.bookings[0], world.bookings[1]
    instant = next(job for job in world.bookings[2:] if job["status"] == "scheduled")
    cases = [
        (instant, "client_instant_confirmation"),
        (instant, "contractor_new_booking"),
        (pending, "client_pending_notification"),
        (pending, "client_booking_declined"),
        (cancelled, "client_instant_confirmation"),
        (cancelled, "client_cancellation"),
        (cancelled, "contractor_cancellation"),
        (world.admin_jobs[0], "contractor_cancellation"),
    ]
    problems: list[str] = []
    for job, kind in cases:
        sent = reader.wait_for(job["id"], kind, "")
        assert sent.message is not None
        stored = stored_values(world, fetch_job(world.api, job["id"]))
        expected = [
            Expected(field.name, stored[field.name], parts)
            for field in FIELDS
            if field.name in stored
            for email_kind, parts in field.emails
            if email_kind == kind
        ]
        service = stored.get("service.name") or stored["job.title"]
        summary = f"{service} - {stored['tenant.name']}" if kind in ICS_KINDS else None
        problems += email_problems(sent.message.message, expected, ics_summary=summary)
    # The client of an admin job whose address is markup is still mailed (a quoted local part).
    reader.sent(world.admin_jobs[0]["id"], "client_cancellation")
    assert problems == [], f"{len(problems)} stored value(s) not inert in an email:\n" + "\n".join(
        problems[:60]
    )


def stored_values(world: HostileWorld, job: dict[str, Any]) -> dict[str, str]:
    """What each field holds for this job's emails; a job without a service is named by its title."""
    services = {s["id"]: s for s in world.services}
    contact = job["contact"] or {}
    values = {
        "tenant.name": world.business_name
        or world.api.service(world.services[0]["id"]).json()["businessName"],
        "contact.name": contact.get("name"),
        "contact.email": contact.get("email"),
        "contact.phone": contact.get("phone"),
        "job.notes": job["notes"],
        "job.decline_reason": job["declineReason"],
        "job.cancel_reason": job["cancelReason"],
    }
    if job["serviceId"] in services:
        values["service.name"] = services[job["serviceId"]]["name"]
    else:
        values["job.title"] = job["title"]
    return {name: value for name, value in values.items() if value}


def test_double_submit_books_once(
    page: Page, target: Target, api: BookingApi, tz: ZoneInfo, unique: str
) -> None:
    """Two submits of one form (a double click, Enter pressed twice) make one request, one job."""
    service = service_id(target, "standard")
    booking = BookingPage(page).open(service)
    start = booking.choose_slot(0)
    email = f"twice-{unique}@example.com"
    booking.fill_contact(f"Twice {unique}", email)
    posts: list[Request] = []

    def record(request: Request) -> None:
        if request.method == "POST":
            posts.append(request)

    page.on("request", record)
    booking.form.evaluate("form => { form.requestSubmit(); form.requestSubmit(); }")
    expect(booking.confirmation).to_be_visible()
    assert len(posts) == 1, f"{len(posts)} booking requests for one booking"
    assert len(jobs_for(api, email, local_day(start, tz))) == 1


def test_back_button_after_booking_books_nothing_more(
    page: Page, target: Target, api: BookingApi, tz: ZoneInfo, unique: str
) -> None:
    service = service_id(target, "standard")
    BookingPage(page).open(service_id(target, "consultation"))  # where the client came from
    booking = BookingPage(page).open(service)
    start = booking.choose_slot(0)
    email = f"back-{unique}@example.com"
    booking.fill_contact(f"Back {unique}", email)
    booking.book_button.click()
    expect(booking.confirmation).to_be_visible()
    posts: list[Request] = []

    def record(request: Request) -> None:
        if request.method == "POST":
            posts.append(request)

    page.on("request", record)
    page.go_back()
    expect(booking.service_name).to_have_text(api.service(service_id(target, "consultation")).json()["name"])
    page.go_forward()
    expect(booking.form).to_be_visible()  # a fresh page, not a resubmission
    expect(booking.confirmation).to_be_hidden()
    booking.choose_day(local_day(start, tz))
    expect(page.locator(f'[data-testid="slot"][value="{start}"]')).to_have_count(0)
    assert posts == [], "going back and forward sent a request"
    assert len(jobs_for(api, email, local_day(start, tz))) == 1


def test_expired_admin_session_applies_nothing_until_sign_in(
    signed_in: Page, target: Target, api: BookingApi, pending_job: dict[str, Any], tz: ZoneInfo
) -> None:
    schedule = SchedulePage(signed_in).open(
        "day", local_day(pending_job["startTime"], tz), job=pending_job["id"]
    )
    expect(schedule.action("confirm")).to_be_visible()
    # The session ends on the server while the page is open (as at expiry).
    token = next(c["value"] for c in signed_in.context.cookies() if c["name"] == "booking_session")
    ended = api.logout(token)

    assert ended.status_code in (200, 204), ended.text
    schedule.act("confirm")
    expect(LoginPage(signed_in).form).to_be_visible()
    assert fetch_job(api, pending_job["id"])["status"] == "pending-confirmation", "applied without a session"

    LoginPage(signed_in).sign_in(target.admin_email or "", target.admin_password or "")
    schedule.open("day", local_day(pending_job["startTime"], tz), job=pending_job["id"])
    schedule.act("confirm")
    expect(schedule.panel).to_have_attribute("data-status", "scheduled")
    assert fetch_job(api, pending_job["id"])["status"] == "scheduled"
