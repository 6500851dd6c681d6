"""A plain model of the booking system: what the seed's rules say must happen."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

# The seed's capacity rule, status by status: a job in one of these occupies its slot (it is
# counted against the capacity and shown as taken), whether it waits for confirmation, is
# booked, or is under way...
OCCUPYING = frozenset({"pending-confirmation", "scheduled", "in-progress"})
# ...and a job in one of these frees it: done, cancelled (a declined job is cancelled), or
# missed by its client (no-show).
FREEING = frozenset({"completed", "cancelled", "no-show"})
TRANSITIONS = {
    ("confirm", "pending-confirmation"): "scheduled",
    ("decline", "pending-confirmation"): "cancelled",
    ("start", "scheduled"): "in-progress",
    ("cancel", "scheduled"): "cancelled",
    ("complete", "in-progress"): "completed",
    ("no-show", "scheduled"): "no-show",
}
# Moves that wait for the job's start time: a client cannot miss an appointment still to come.
AFTER_START = frozenset({"no-show"})
# Emails each event queues, by the audience that receives them.
EVENT_EMAILS = {
    "book:scheduled": [("client", "client_instant_confirmation"), ("contractor", "contractor_new_booking")],
    "book:pending-confirmation": [
        ("client", "client_pending_notification"),
        ("contractor", "contractor_new_booking"),
    ],
    "confirm": [("client", "client_booking_confirmed")],
    "decline": [("client", "client_booking_declined")],
    "cancel": [("client", "client_cancellation"), ("contractor", "contractor_cancellation")],
    "reschedule:pending-confirmation": [("client", "client_reschedule_pending")],
    "reschedule:active": [("client", "client_reschedule")],
}


@dataclass
class ModelJob:
    id: str
    status: str
    start: datetime
    end: datetime
    capacity: int
    has_contact: bool
    history: list[tuple[str | None, str]] = field(default_factory=list)
    emails: Counter[str] = field(default_factory=Counter)

    @property
    def active(self) -> bool:
        return self.status in OCCUPYING

    def record_emails(self, event: str) -> None:
        for audience, kind in EVENT_EMAILS.get(event, []):
            if audience == "contractor" or self.has_contact:
                self.emails[kind] += 1


@dataclass
class BookingModel:
    jobs: dict[str, ModelJob] = field(default_factory=dict)

    def overlapping(self, start: datetime, end: datetime) -> list[ModelJob]:
        """Every job on [start, end), whatever its status."""
        return [job for job in self.jobs.values() if job.start < end and job.end > start]

    def overlapping_active(self, start: datetime, end: datetime, exclude: str | None = None) -> int:
        return sum(1 for job in self.overlapping(start, end) if job.active and job.id != exclude)

    def has_room(self, start: datetime, end: datetime, capacity: int, exclude: str | None = None) -> bool:
        return self.overlapping_active(start, end, exclude) < capacity

    def add(self, job: ModelJob, event: str) -> None:
        job.history.append((None, job.status))
        job.record_emails(event)
        self.jobs[job.id] = job

    def expected_transition(self, job: ModelJob, action: str, now: datetime) -> str | None:
        """The status the action leads to, or None when the service must refuse (409)."""
        target = TRANSITIONS.get((action, job.status))
        if target is None:
            return None
        if action in AFTER_START and job.start > now:
            return None
        if action == "confirm" and not self.has_room(job.start, job.end, job.capacity, exclude=job.id):
            return None
        return target

    def apply_transition(self, job: ModelJob, action: str, target: str) -> None:
        job.history.append((job.status, target))
        job.status = target
        job.record_emails(action)

    def reschedule_allowed(self, job: ModelJob, start: datetime, end: datetime) -> bool:
        if (start, end) == (job.start, job.end):
            return True  # not a move: an edit that leaves the time alone is always accepted
        return job.active and self.has_room(start, end, job.capacity, exclude=job.id)

    def apply_reschedule(self, job: ModelJob, start: datetime, end: datetime) -> None:
        if (start, end) == (job.start, job.end):
            return
        job.start, job.end = start, end
        event = (
            "reschedule:pending-confirmation" if job.status == "pending-confirmation" else "reschedule:active"
        )
        job.record_emails(event)
