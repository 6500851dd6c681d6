"""Render a queued email: subject, plain text and HTML, with times in the tenant's zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from reference_app.emails.kinds import ALL_KINDS, EmailKind
from reference_app.failpoints import failpoint_active

_env = Environment(
    loader=PackageLoader("reference_app.emails", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)

SUBJECTS = {
    "client_instant_confirmation": "Booking confirmed: {service} on {when_short}",
    "client_pending_notification": (
        "Booking request received (pending confirmation): {service} on {when_short}"
    ),
    "client_booking_confirmed": "Your booking is now confirmed: {service} on {when_short}",
    "client_booking_declined": "Booking request declined: {service} on {when_short}",
    "contractor_new_booking": "New booking: {contact} for {service} on {when_short}",
    "client_cancellation": "Booking cancelled: {service} on {when_short}",
    "contractor_cancellation": "Cancelled: {contact} for {service} on {when_short}",
    "client_reschedule": "Booking moved: {service} now on {when_short}",
    "client_reschedule_pending": "Booking request moved: {service} now on {when_short}",
}


@dataclass(frozen=True)
class RenderedEmail:
    kind: EmailKind
    recipient: str
    subject: str
    text: str
    html: str
    payload: dict[str, Any]


def local_time(instant: str, tz: ZoneInfo) -> datetime:
    return datetime.fromisoformat(instant).astimezone(tz)


def format_when(start: datetime, end: datetime) -> str:
    """'Thursday 10 January 2030, 10:00-11:00 EST' (both zone names if DST changes between)."""
    day = start.strftime("%A %d %B %Y").replace(" 0", " ")
    if start.tzname() == end.tzname():
        return f"{day}, {start:%H:%M}-{end:%H:%M} {start.tzname()}"
    return f"{day}, {start:%H:%M} {start.tzname()}-{end:%H:%M} {end.tzname()}"


def format_short(start: datetime) -> str:
    return f"{start:%a} {start.day} {start:%b %Y}, {start:%H:%M} {start.tzname()}"


def dashboard_url(public_app_url: str, payload: dict[str, Any], tz: ZoneInfo) -> str:
    day = local_time(payload["startTime"], tz).date().isoformat()
    return f"{public_app_url.rstrip('/')}/schedule?view=day&date={day}&job={payload['jobId']}"


def render(
    kind_name: str,
    recipient: str,
    payload: dict[str, Any],
    *,
    public_app_url: str,
) -> RenderedEmail:
    """The email of `kind_name`."""
    kind = ALL_KINDS[kind_name]
    tz = ZoneInfo(payload["timeZone"])
    start, end = local_time(payload["startTime"], tz), local_time(payload["endTime"], tz)
    context: dict[str, Any] = {
        "business": payload["businessName"],
        "service": payload["serviceName"],
        "title": payload["title"],
        "contact": payload.get("contactName") or "a client",
        "contact_email": payload.get("contactEmail"),
        "contact_phone": payload.get("contactPhone"),
        "notes": payload.get("notes"),
        "reason": payload.get("reason"),
        "when": format_when(start, end),
        "when_short": format_short(start),
        "time_zone": tz.key,
        "previous_when": None,
        "dashboard_url": dashboard_url(public_app_url, payload, tz),
    }
    if payload.get("previousStartTime"):
        context["previous_when"] = format_when(
            local_time(payload["previousStartTime"], tz), local_time(payload["previousEndTime"], tz)
        )
    # The email_renders_notes_raw variant (faults.py): the client's notes go into the HTML unescaped.
    if failpoint_active("email_renders_notes_raw") and context["notes"] is not None:
        context["notes"] = Markup(context["notes"])
    # A header is one line: a name typed with line breaks (the API allows them in names) must
    # not end the subject, nor make the message unbuildable.
    subject = " ".join(SUBJECTS[kind.name].format(**context).split())
    text = _env.get_template(f"{kind.name}.txt").render(context)
    html = _env.get_template(f"{kind.name}.html").render(context)
    return RenderedEmail(kind, recipient, subject, text, html, payload)
