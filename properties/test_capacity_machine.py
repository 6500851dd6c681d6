"""Slot capacity as a state machine: services with different capacities and confirmation
settings share one calendar; bookings, cancellations, declines, confirmations, reschedules and
the moves of a job under way (start, then complete) over a few overlapping slots. A booking
succeeds exactly when the model says there is room, availability's `remaining` is capacity
minus the jobs that occupy the slot (pending, scheduled and in-progress ones; completed and
cancelled ones free it), and no hour ever holds more occupying jobs than the largest capacity
among them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hypothesis import given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from properties.model import FREEING, OCCUPYING, BookingModel, ModelJob
from properties.system import BookingSystem, local_instant
from reference_app.scheduling.lifecycle import STATUSES

HOURS = 4  # the slots live in four consecutive hours of one day


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    duration: int
    capacity: int
    confirm: bool


# One-hour and two-hour services on an hourly grid: the two-hour slots overlap two others.
SERVICES = (
    ServiceSpec("single", 60, 1, False),
    ServiceSpec("pair-confirm", 60, 2, True),
    ServiceSpec("trio-long", 120, 3, False),
)


class CapacityMachine(RuleBasedStateMachine):
    jobs = Bundle("jobs")

    def __init__(self, system: BookingSystem) -> None:
        super().__init__()
        self.system = system
        self.session = system.open_session()
        self.api = self.session.api
        self.ids = {
            spec.name: self.session.create_service(
                duration=spec.duration, interval=60, capacity=spec.capacity, confirm=spec.confirm
            )
            for spec in SERVICES
        }
        self.day = self.session.day
        self.model = BookingModel()
        self.emails = 0

    def _interval(self, spec: ServiceSpec, hour: int) -> tuple[datetime, datetime]:
        start = local_instant(self.day, (10 + hour) * 60, self.session.tz)
        return start, start + timedelta(minutes=spec.duration)

    @rule(target=jobs, spec=st.sampled_from(SERVICES), hour=st.integers(0, HOURS - 1))
    def book(self, spec: ServiceSpec, hour: int) -> Any:
        start, end = self._interval(spec, hour)
        room = self.model.has_room(start, end, spec.capacity)
        self.emails += 1
        response = self.api.book(
            self.ids[spec.name], start, name="Client", email=f"c{self.emails}@example.com"
        )
        note(f"book {spec.name} at +{hour}h -> {response.status_code}, model room: {room}")
        if not room:
            assert response.status_code == 409, (
                f"{spec.name} booked {start.isoformat()} past its capacity {spec.capacity}: "
                f"{self._slot_story(start, end)}; answer {response.status_code} {response.text}"
            )
            assert response.json()["error"]["code"] == "slot_unavailable"
            return None
        assert response.status_code == 201, response.text
        job = response.json()["job"]
        note(f"  job {job['id']} is {job['status']} on {start.isoformat()}")
        self.model.add(ModelJob(job["id"], job["status"], start, end, spec.capacity, True), "book")
        return job["id"]

    def _act(self, job_id: str | None, action: str) -> None:
        if job_id is None:
            note(f"{action}: no job (its booking was refused)")
            return
        job = self.model.jobs[job_id]
        expected = self.model.expected_transition(job, action, self.system.now())
        response = self.api.act(job_id, action)
        note(f"{action} {job_id} ({job.status}) -> {response.status_code}, model: {expected or 409}")
        if expected is None:
            assert response.status_code == 409, response.text
            return
        assert response.status_code == 200, response.text
        self.model.apply_transition(job, action, expected)

    @rule(job_id=jobs)
    def cancel(self, job_id: str | None) -> None:
        self._act(job_id, "cancel")

    @rule(job_id=jobs)
    def decline(self, job_id: str | None) -> None:
        self._act(job_id, "decline")

    @rule(job_id=jobs)
    def confirm(self, job_id: str | None) -> None:
        self._act(job_id, "confirm")

    @rule(job_id=jobs)
    def start(self, job_id: str | None) -> None:
        """The job is under way (when it was scheduled): it still occupies its slot."""
        self._act(job_id, "start")

    @rule(job_id=jobs)
    def complete(self, job_id: str | None) -> None:
        """A job under way is done: its slot is free again. The drawn job when it is under way,
        else the one under way longest (a draw rarely hits the few started jobs), else the
        drawn job, which the service must refuse."""
        under_way = self._under_way()
        if under_way and job_id not in under_way:
            job_id = under_way[0]
        self._act(job_id, "complete")

    def _under_way(self) -> list[str]:
        return [job.id for job in self.model.jobs.values() if job.status == "in-progress"]

    def _slot_story(self, start: datetime, end: datetime) -> str:
        """The jobs on [start, end) by what they do to it, for a failure message."""
        jobs = self.model.overlapping(start, end)
        occupying = ", ".join(f"{j.id} ({j.status})" for j in jobs if j.status in OCCUPYING)
        freeing = ", ".join(f"{j.id} ({j.status})" for j in jobs if j.status in FREEING)
        return f"occupied by {occupying or 'no job'}; freed by {freeing or 'no job'}"

    @rule(job_id=jobs, hour=st.integers(0, HOURS - 1))
    def reschedule(self, job_id: str | None, hour: int) -> None:
        if job_id is None:
            note("reschedule: no job (its booking was refused)")
            return
        job = self.model.jobs[job_id]
        length = job.end - job.start
        start = local_instant(self.day, (10 + hour) * 60, self.session.tz)
        allowed = self.model.reschedule_allowed(job, start, start + length)
        response = self.api.update_job(job_id, {"startTime": start.isoformat()})
        note(f"reschedule {job_id} to +{hour}h -> {response.status_code}, model allows: {allowed}")
        if not allowed:
            assert response.status_code == 409, response.text
            return
        assert response.status_code == 200, response.text
        self.model.apply_reschedule(job, start, start + length)

    @invariant()
    def statuses_match_the_model(self) -> None:
        if not self.model.jobs:
            return
        listed = self.api.jobs(self.day, self.day).json()["jobs"]
        actual = {j["id"]: (j["status"], j["startTime"]) for j in listed if j["id"] in self.model.jobs}
        expected = {
            job.id: (job.status, job.start.astimezone().isoformat()) for job in self.model.jobs.values()
        }
        assert {k: s for k, (s, _) in actual.items()} == {k: s for k, (s, _) in expected.items()}
        for job_id, (_, start) in actual.items():
            assert datetime.fromisoformat(start) == self.model.jobs[job_id].start

    @invariant()
    def no_hour_holds_more_than_its_largest_capacity(self) -> None:
        for hour in range(HOURS + 1):
            start, end = self._interval(SERVICES[0], hour)
            present = [j for j in self.model.jobs.values() if j.active and j.start < end and j.end > start]
            if present:
                assert len(present) <= max(j.capacity for j in present), (hour, present)

    @invariant()
    def remaining_is_capacity_minus_occupying_jobs(self) -> None:
        for spec in SERVICES:
            response = self.api.availability(self.ids[spec.name], self.day, self.day)
            slots = {datetime.fromisoformat(s["startTime"]): s["remaining"] for s in response.json()["slots"]}
            for hour in range(HOURS):
                start, end = self._interval(spec, hour)
                expected = max(0, spec.capacity - self.model.overlapping_active(start, end))
                assert slots[start] == expected, (
                    f"slot {spec.name} {start.isoformat()} (capacity {spec.capacity}): the service "
                    f"offers {slots[start]} places, the model {expected}; {self._slot_story(start, end)}"
                )


def capacity_machine(system: BookingSystem) -> Callable[[], CapacityMachine]:
    return lambda: CapacityMachine(system)


def test_capacity_machine(booking_system: BookingSystem) -> None:
    run_state_machine_as_test(capacity_machine(booking_system))


def test_every_status_either_occupies_or_frees_a_slot() -> None:
    """The machine's capacity rule classes every status the service has, and none twice."""
    assert OCCUPYING | FREEING == set(STATUSES)
    assert not OCCUPYING & FREEING
    assert OCCUPYING == {"scheduled", "in-progress", "pending-confirmation"}  # the seed's three


@settings(max_examples=1)
@given(st.none())
def test_a_job_under_way_holds_its_slot_until_it_is_completed(booking_system: BookingSystem, _: None) -> None:
    """The path every run takes, whatever the draws: booked, started (the slot stays taken:
    a second booking is refused), completed (the slot is free: a second booking succeeds)."""
    machine = CapacityMachine(booking_system)
    single = SERVICES[0]
    first = machine.book(single, 0)
    machine.start(first)
    assert machine.model.jobs[first].status == "in-progress"
    machine.remaining_is_capacity_minus_occupying_jobs()
    assert machine.book(single, 0) is None
    machine.complete(first)
    assert machine.model.jobs[first].status == "completed"
    machine.remaining_is_capacity_minus_occupying_jobs()
    assert machine.book(single, 0) is not None
    machine.statuses_match_the_model()
