"""Calendar attachments: REQUEST adds or updates the booking in the client's calendar, CANCEL
removes it. One UID per job, so every update refers to the same event."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, Event, vCalAddress

PRODID = "-//Reference booking service//EN"


def job_uid(job_id: str) -> str:
    return f"job-{job_id}@reference-booking"


def calendar_attachment(payload: dict[str, Any], method: str, organizer: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", job_uid(payload["jobId"]))
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", datetime.fromisoformat(payload["startTime"]).astimezone(UTC))
    event.add("dtend", datetime.fromisoformat(payload["endTime"]).astimezone(UTC))
    event.add("summary", f"{payload['serviceName']} - {payload['businessName']}")
    event.add("sequence", int(payload.get("icsSequence", 0)))
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    if payload.get("contactEmail"):
        event.add("attendee", vCalAddress(f"mailto:{payload['contactEmail']}"))
    calendar.add_component(event)
    return bytes(calendar.to_ical())
