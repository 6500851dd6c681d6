"""The race through any adapter: each racer prepares a booking of the next round's slot (every
step up to the committing request, `prepare_booking`), waits for the round's instant, and only
then sends `commit()`. The instant is the plan's (t0 + k x round seconds, wall clock), shared
by every Locust process, so a multi-step flow races as tightly as a one-request API: a
last-byte-style barrier across users and workers. Each racer aims at the first round it can
still be ready for, by how long this process's prepares take (shared by its racers); one whose
prepare still outlasted its round's instant missed it, and commits at once, by no barrier.

Every attempt is an operation of the history (Booked ok, Refused rejected, Unknown
indeterminate) with the instant it was released, and a Locust request event: one for the
prepare, one for the commit (an unknown answer is a failure, a refusal is not).

One adapter per Locust user, opened on its start and closed on its stop: an adapter may keep a
session per instance. Locust runs users as greenlets, so the adapter's sockets must be
gevent's (Locust patches the standard library at import; `gevent_ready` checks it).
"""

from __future__ import annotations

import logging
import random
import time
from typing import Any

import gevent
from locust import User, task

from harness.adapters import open_adapter
from harness.model import Capability, Client, PreparedBooking
from load.checker.operations import INTERRUPTED, Operation, contact_email, new_id, outcome_fields
from load.reports.gates import ADAPTER_COMMIT_NAME, ADAPTER_PREPARE_NAME
from load.scenarios.race_plan import OFFSET, RacePlan, RaceSlot
from load.wiring.context import RunContext, current_context
from load.wiring.gevent_check import gevent_ready

# The first guess of how long a prepare takes, in rounds; then the racers of a process measure.
FIRST_LEAD_ROUNDS = 3.0
LEAD_MARGIN = 1.5  # the lead: the slowest recent prepare, with this margin...
LEAD_DECAY = 0.8  # ...shrinking by this much at each prepare that was faster
# An adapter's HTTP client logging each request would drown the run's own output.
logging.getLogger("httpx").setLevel(logging.WARNING)


class AdapterRacer(User):
    """A member of the public racing through the target's adapter."""

    lead_s: float | None = None  # how long before an instant this process's racers prepare

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self.ctx: RunContext = current_context()

    def wait_time(self) -> float:
        return 0.0  # the rounds' instants pace the racers

    def on_start(self) -> None:
        self.ctx.ready.wait(timeout=30)
        blocked = gevent_ready()
        if blocked:
            raise RuntimeError(f"cannot race through an adapter in this process: {blocked}")
        assert self.ctx.target is not None
        self.plan = RacePlan.from_json(self.ctx.setup["plan"])
        self.system = open_adapter(self.ctx.target)
        self.keyed = Capability.IDEMPOTENCY_KEYS in self.system.capabilities
        if AdapterRacer.lead_s is None:
            AdapterRacer.lead_s = self.plan.round_seconds * FIRST_LEAD_ROUNDS

    def on_stop(self) -> None:
        system = getattr(self, "system", None)
        if system is not None:
            system.close()

    @task
    def race_a_round(self) -> None:
        release_at, group = self.plan.next_release(time.time() + (AdapterRacer.lead_s or 0.0))
        slot = group[0] if group[0].shape == OFFSET and random.random() < 0.5 else random.choice(group)
        request_id = new_id()
        key = (
            f"{self.ctx.run_id}-{request_id}"
            if self.keyed and random.random() < self.ctx.options.idempotent_share
            else None
        )
        prepared = self._prepare(slot, request_id, key)
        wait = release_at - time.time()
        if wait > 0:
            gevent.sleep(wait)
        first = self._commit(prepared, slot, request_id, key, release_at if wait > 0 else None)
        if key and (first.outcome == "indeterminate" or random.random() < self.ctx.options.retry_share):
            again = self._prepare(slot, request_id, key)
            self._commit(again, slot, request_id, key, None, attempt=1)

    def _prepare(self, slot: RaceSlot, request_id: str, key: str | None) -> PreparedBooking:
        client = Client(f"Load client {request_id}", contact_email(self.ctx.run_id, request_id))
        started = time.perf_counter()
        interval = slot.model_interval()
        prepared = self.system.prepare_booking(slot.service_id, interval, client, idempotency_key=key)
        took = time.perf_counter() - started
        AdapterRacer.lead_s = max(took * LEAD_MARGIN, (AdapterRacer.lead_s or 0.0) * LEAD_DECAY)
        self._event(ADAPTER_PREPARE_NAME, took, None)
        return prepared

    def _commit(
        self,
        prepared: PreparedBooking,
        slot: RaceSlot,
        request_id: str,
        key: str | None,
        release_at: float | None,
        attempt: int = 0,
    ) -> Operation:
        fields: dict[str, Any] = {
            "kind": "book",
            "process": self.ctx.process,
            "request_id": request_id,
            "service_id": slot.service_id,
            "slot_start": slot.start,
            "idempotency_key": key,
            "attempt": attempt,
            "release_at": release_at,
        }
        released = time.time()
        try:
            outcome = prepared.commit()
        except BaseException as exc:  # it may still have committed: indeterminate
            # The run stopping mid-commit (as the reference's client records it), or the
            # adapter's own error: Locust counts that one, and the history has it too.
            interrupted = isinstance(exc, gevent.GreenletExit)
            code = INTERRUPTED if interrupted else type(exc).__name__
            op = Operation(
                new_id(),
                start=released,
                end=time.time(),
                status=0,
                outcome="indeterminate",
                code=code,
                **fields,
            )
            self.ctx.recorder.record(op)
            if not interrupted:
                self._event(ADAPTER_COMMIT_NAME, op.end - released, exc)
            raise
        answered = time.time()
        op = Operation(new_id(), start=released, end=answered, status=0, **fields, **outcome_fields(outcome))
        self.ctx.recorder.record(op)
        failure = RuntimeError(f"unknown: {op.code}") if op.outcome == "indeterminate" else None
        self._event(ADAPTER_COMMIT_NAME, answered - released, failure)
        return op

    def _event(self, what: str, seconds: float, exception: BaseException | None) -> None:
        self.environment.events.request.fire(
            request_type="BOOK",
            name=f"{what} ({self.system.name})",
            response_time=seconds * 1000.0,
            response_length=0,
            exception=exception,
            context={},
        )
