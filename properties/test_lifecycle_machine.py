"""The job lifecycle as a state machine: any action on any job, legal or not, and the model
predicts every response, the status, the status history and the emails queued. Jobs are
booked on a day to come, and staff also record jobs on a day long past (where a no-show can
be marked: the move waits for the job's start time)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from hypothesis import note
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from properties.model import BookingModel, ModelJob
from properties.system import BookingSystem, local_instant

ACTIONS = ("confirm", "decline", "start", "complete", "cancel", "no-show")
SLOT_MINUTES = 30
# Jobs recorded in the past go this many days before the session's day: a day of the example's
# own (each example has its own day to come), long before "now" on any clock.
PAST_OFFSET = timedelta(days=3650)


class LifecycleMachine(RuleBasedStateMachine):
    jobs = Bundle("jobs")

    def __init__(self, system: BookingSystem) -> None:
        super().__init__()
        self.system = system
        self.session = system.open_session()
        self.api = self.session.api
        self.instant = self.session.create_service(
            duration=SLOT_MINUTES, interval=SLOT_MINUTES, capacity=1, confirm=False
        )
        self.confirming = self.session.create_service(
            duration=SLOT_MINUTES, interval=SLOT_MINUTES, capacity=1, confirm=True
        )
        self.day = self.session.day
        self.past_day = self.day - PAST_OFFSET
        self.next_slot = 0
        self.model = BookingModel()
        self.touched: str | None = None

    def _fresh_slot(self, *, past: bool = False) -> tuple[Any, Any]:
        """Every job gets a slot no other job ever used, so capacity never interferes here."""
        day = self.past_day if past else self.day
        start = local_instant(day, 8 * 60 + SLOT_MINUTES * self.next_slot, self.session.tz)
        self.next_slot += 1
        return start, start + timedelta(minutes=SLOT_MINUTES)

    def _add(self, response: Any, event: str, has_contact: bool, start: Any, end: Any) -> str:
        assert response.status_code == 201, response.text
        job = response.json()["job"]
        self.model.add(ModelJob(job["id"], job["status"], start, end, 1, has_contact), event)
        self.touched = job["id"]
        note(f"created {job['id'][:8]} as {job['status']} ({event})")
        return str(job["id"])

    @rule(target=jobs)
    def book_instant(self) -> str:
        start, end = self._fresh_slot()
        response = self.api.book(self.instant, start, name="Client", email=f"c{self.next_slot}@example.com")
        assert response.json()["job"]["status"] == "scheduled", response.text
        return self._add(response, "book:scheduled", True, start, end)

    @rule(target=jobs)
    def book_needing_confirmation(self) -> str:
        start, end = self._fresh_slot()
        response = self.api.book(
            self.confirming, start, name="Client", email=f"c{self.next_slot}@example.com"
        )
        assert response.json()["job"]["status"] == "pending-confirmation", response.text
        return self._add(response, "book:pending-confirmation", True, start, end)

    @rule(target=jobs)
    def admin_create(self) -> str:
        start, end = self._fresh_slot()
        response = self.api.create_job(
            {"title": "Walk-in", "startTime": start.isoformat(), "endTime": end.isoformat()}
        )
        assert response.json()["job"]["status"] == "scheduled", response.text
        return self._add(response, "admin", False, start, end)

    @rule(target=jobs)
    def admin_record_past(self) -> str:
        """Staff record a job that took place (or should have) long ago: scheduled, and past
        its start, so the no-show move is open to it."""
        start, end = self._fresh_slot(past=True)
        response = self.api.create_job(
            {"title": "Past visit", "startTime": start.isoformat(), "endTime": end.isoformat()}
        )
        assert response.json()["job"]["status"] == "scheduled", response.text
        return self._add(response, "admin", False, start, end)

    @rule(job_id=jobs, action=st.sampled_from(ACTIONS))
    def act(self, job_id: str, action: str) -> None:
        job = self.model.jobs[job_id]
        expected = self.model.expected_transition(job, action, self.system.now())
        response = self.api.act(job_id, action)
        note(
            f"{action} {job_id[:8]} ({job.status}) -> {response.status_code}, model expects {expected or 409}"
        )
        self.touched = job_id
        if expected is None:
            assert response.status_code == 409, response.text
            assert response.json()["error"]["code"] == "invalid_transition"
            return
        assert response.status_code == 200, response.text
        assert response.json()["job"]["status"] == expected
        self.model.apply_transition(job, action, expected)

    @rule(job_id=jobs)
    def reschedule(self, job_id: str) -> None:
        job = self.model.jobs[job_id]
        start, end = self._fresh_slot()
        response = self.api.update_job(job_id, {"startTime": start.isoformat()})
        allowed = self.model.reschedule_allowed(job, start, end)
        note(f"reschedule {job_id[:8]} ({job.status}) -> {response.status_code}, model allows: {allowed}")
        self.touched = job_id
        if not allowed:
            assert response.status_code == 409, response.text
            assert response.json()["error"]["code"] == "invalid_transition"
            return
        assert response.status_code == 200, response.text
        self.model.apply_reschedule(job, start, end)

    @invariant()
    def statuses_match_the_model(self) -> None:
        if not self.model.jobs:
            return
        listed = [
            *self.api.jobs(self.day - timedelta(days=1), self.day + timedelta(days=1)).json()["jobs"],
            *self.api.jobs(self.past_day, self.past_day).json()["jobs"],
        ]
        # A live target may hold other jobs: judge the ones this machine made.
        actual = {j["id"]: j["status"] for j in listed if j["id"] in self.model.jobs}
        assert actual == {job_id: job.status for job_id, job in self.model.jobs.items()}

    @invariant()
    def history_of_the_touched_job_is_the_models(self) -> None:
        if self.touched is None:
            return
        history = self.api.history(self.touched).json()["history"]
        assert [(h["fromStatus"], h["toStatus"]) for h in history] == self.model.jobs[self.touched].history

    @invariant()
    def queued_emails_match_the_events(self) -> None:
        if not self.model.jobs:
            return
        emails = self.api.outbox().json()["emails"]
        actual: dict[str, Counter[str]] = {}
        for email in emails:
            if email["jobId"] not in self.model.jobs:
                continue
            actual.setdefault(email["jobId"], Counter())[email["kind"]] += 1
        expected = {job_id: job.emails for job_id, job in self.model.jobs.items() if job.emails}
        assert actual == expected


def test_lifecycle_machine(booking_system: BookingSystem) -> None:
    run_state_machine_as_test(lambda: LifecycleMachine(booking_system))
