"""Race: many users book the same few free slots at once, some with an Idempotency-Key and a
retry with the same key, while a few admin writers race them on the same stretch of calendar.
Rounds take turns between shapes of overlap (load/scenarios/race_plan.py): one slot per service,
different services on one instant, intervals overlapping in part. Admin writers create jobs on
the round's slots or across its whole span, reschedule this run's jobs from earlier rounds onto
it, confirm pending jobs, cancel or decline jobs of the round, and start jobs of the round
(a job under way still holds its slot) and complete started ones, all while others book. Every
attempt is recorded; at the end the audit proves no time of the calendar holds more jobs than
its capacities allow, and every acknowledged booking exists.

Against the reference this runs through the reference adapter's Locust client (RaceUser,
RaceAdmin); against any other adapter, or with --through-adapter, through the adapter's
prepare/commit (load/scenarios/adapter_race.py: AdapterRacer), every round's commits released
together, without the parts whose capabilities the adapter lacks (the report names them).

    python -m load run --scenario race --users 100 --duration 30s
    python -m load run --scenario race --target-file django-appointment.json --users 20 --duration 10s
    locust -f load/scenarios/race.py --headless -u 100 -t 30s --target-file target.json
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, replace
from typing import Any

from locust import events, task

from harness.adapters import open_adapter
from load.scenarios.adapter_race import AdapterRacer
from load.scenarios.admin_sign_in import admin_headers
from load.scenarios.booking_client import book_maybe_keyed, create_job, move_job, reschedule_job
from load.scenarios.race_plan import OFFSET, SAME_SLOT, RacePlan, RaceSlot, plan_race, span
from load.through_adapter import check_applicable, dropped_parts
from load.wiring.context import RunContext
from load.wiring.harness_user import HarnessUser
from load.wiring.locust_hooks import ADAPTER, REFERENCE_CLIENT, install_harness
from load.wiring.table_shape import TableShape

__all__ = ["AdapterRacer", "RaceAdmin", "RaceUser", "TableShape"]


def prepare(ctx: RunContext) -> dict[str, Any]:
    """The plan, from the free slots the target's adapter lists; on the reference's Locust
    client, the admin writers' bearer token too, signed in once here: an argon2 hash per
    writer would be CPU the race's bookings need, and no sign-in lands in the race's figures."""
    assert ctx.target is not None
    system = open_adapter(ctx.target)
    try:
        if ctx.through_adapter:
            check_applicable(system, "race")
        plan = plan_race(system, ctx.duration_s, ctx.options.round_seconds, t0=0.0)
        path = (
            f"{system.name} adapter, prepare/commit released together each round"
            if ctx.through_adapter
            else f"{system.name} adapter's Locust client"
        )
        notes = dropped_parts(system) if ctx.through_adapter else []
    finally:
        system.close()
    headers = {} if ctx.through_adapter else admin_headers(ctx.target)
    # Round 0 starts a moment from now, once every worker has the plan.
    plan = replace(plan, t0=time.time() + 1.0)
    return {"plan": plan.to_json(), "adminHeaders": headers, "path": path, "notes": notes}


@dataclass
class OurJob:
    """A job this run created, as this process last saw it: only these are ever moved."""

    id: str
    round: int
    pending: bool
    started: bool = False  # in-progress, as far as this process knows: no longer cancellable


# This process's jobs, shared by its users: the admin writers move only jobs of this run.
OUR_JOBS: list[OurJob] = []


class RaceUser(HarnessUser):
    weight = 9

    def on_start(self) -> None:
        super().on_start()
        self.plan = RacePlan.from_json(self.ctx.setup["plan"])

    @task
    def race_for_a_slot(self) -> None:
        now = time.time()
        group = self.plan.group_at(now)
        # Half the racers of an offset round go for its long anchor slot: it must fill while
        # the shorter slots inside it are raced, or the partial overlap is never contested.
        slot = group[0] if group[0].shape == OFFSET and random.random() < 0.5 else random.choice(group)
        op = book_maybe_keyed(self, self.ctx, service_id=slot.service_id, slot_start=slot.start)
        if op.outcome == "ok" and op.job_id:
            OUR_JOBS.append(OurJob(op.job_id, self.plan.round_at(now), pending=slot.confirm))


class RaceAdmin(HarnessUser):
    """Staff writing to the calendar while the public books it; off without admin credentials."""

    weight = 1

    def on_start(self) -> None:
        super().on_start()
        self.plan = RacePlan.from_json(self.ctx.setup["plan"])
        self.headers: dict[str, str] = dict(self.ctx.setup.get("adminHeaders") or {})

    def _interval(self, group: tuple[RaceSlot, ...]) -> tuple[str, str, str | None]:
        """A slot of the round (with its service) or, in a shaped round, its whole span (no
        service: capacity 1). A same-slot round's slots lie apart: its span is not the round's."""
        if group[0].shape != SAME_SLOT and random.random() < 0.3:
            return (*span(group), None)
        slot = random.choice(group)
        return slot.start, slot.end, slot.service_id

    @task(4)
    def create(self) -> None:
        if not self.headers:
            return
        now = time.time()
        start, end, service_id = self._interval(self.plan.group_at(now))
        op = create_job(self, self.ctx, start=start, end=end, service_id=service_id, headers=self.headers)
        if op.outcome == "ok" and op.job_id:
            OUR_JOBS.append(OurJob(op.job_id, self.plan.round_at(now), pending=False))

    @task(3)
    def reschedule_onto_the_round(self) -> None:
        now = time.time()
        current = self.plan.round_at(now)
        earlier = [job for job in OUR_JOBS if job.round != current]
        if not self.headers or not earlier:
            return
        job = random.choice(earlier)
        start, end, _ = self._interval(self.plan.group_at(now))
        op = reschedule_job(self, self.ctx, job.id, start, end, self.headers)
        if op.outcome == "ok":
            job.round = current

    @task(2)
    def confirm_pending(self) -> None:
        pending = [job for job in OUR_JOBS if job.pending]
        if not self.headers or not pending:
            return
        job = random.choice(pending)
        op = move_job(self, self.ctx, "confirm", job.id, self.headers)
        if op.outcome != "indeterminate":
            job.pending = False

    @task(2)
    def start_a_job(self) -> None:
        """Put a booked job of the round under way while others race for its slot: it must
        go on holding its place (the reference lets staff start a job before its time)."""
        current = self.plan.round_at(time.time())
        booked = [job for job in OUR_JOBS if job.round == current and not job.pending and not job.started]
        if not self.headers or not booked:
            return
        job = random.choice(booked)
        job.started = True  # claimed before the request, as free_a_place claims its job
        op = move_job(self, self.ctx, "start", job.id, self.headers)
        if op.outcome == "rejected":
            job.started = False

    @task(1)
    def complete_a_job(self) -> None:
        """Complete a job under way, sometimes while its round is still raced: its place is free
        again, and the audit must count it so."""
        started = [job for job in OUR_JOBS if job.started]
        if not self.headers or not started or random.random() < 0.5:
            return
        job = random.choice(started)
        OUR_JOBS.remove(job)  # claimed: a completed job is never moved again
        move_job(self, self.ctx, "complete", job.id, self.headers)

    @task(1)
    def free_a_place(self) -> None:
        """Cancel (or decline) a job of the round while others race for it."""
        current = self.plan.round_at(time.time())
        ours = [job for job in OUR_JOBS if job.round == current and not job.started]
        if not self.headers or not ours:
            return
        job = random.choice(ours)
        # Claimed before the request (no greenlet switch in between): while it is in flight,
        # another writer choosing from OUR_JOBS can no longer pick and free it a second time.
        OUR_JOBS.remove(job)
        move_job(self, self.ctx, "decline" if job.pending else "cancel", job.id, self.headers)


# Last: the user classes it names are defined above.
install_harness(
    events, "race", prepare, user_classes={REFERENCE_CLIENT: [RaceUser, RaceAdmin], ADAPTER: [AdapterRacer]}
)
