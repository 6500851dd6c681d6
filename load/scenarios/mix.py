"""Mix: realistic traffic. Visitors look up availability over the coming weeks (now and then a
whole month) and book slots spread over many days, some with an Idempotency-Key and a retry;
staff sign in, list jobs, confirm or decline pending bookings and cancel some, only ever
touching jobs of this run. The audit then judges every booking, cancellations included.

    python -m load run --scenario mix --users 100 --duration 60s
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from locust import events, task

from harness.adapters import open_adapter
from harness.adapters import reference_locust as reference
from load.checker.operations import Kind, request_of_email
from load.scenarios.admin_sign_in import admin_headers
from load.scenarios.booking_client import book_maybe_keyed, move_job
from load.through_adapter import check_applicable
from load.wiring.context import RunContext
from load.wiring.harness_user import HarnessUser
from load.wiring.locust_hooks import install_harness
from load.wiring.table_shape import TableShape

__all__ = ["Staff", "TableShape", "Visitor"]

BOOKABLE_ROLES = ("standard", "consultation", "workshop", "callout")
LOOK_AHEAD_DAYS = 28

# Signing in verifies an argon2 password hash: slow on purpose (about 0.1 s of CPU), and once
# per staff session, so it gets a limit of its own; every other endpoint keeps the default.
LOGIN_P95_LIMIT_MS = 2000.0


def prepare(ctx: RunContext) -> dict[str, Any]:
    """One sign-in on the master proves the credentials before any staff user signs in: a
    wrong password fails the run's setup once instead of locking the account out."""
    assert ctx.target is not None
    if ctx.through_adapter:  # the mix has no users that go through an adapter: say what is missing
        system = open_adapter(ctx.target)
        try:
            check_applicable(system, "mix")
        finally:
            system.close()
    return {"adminVerified": bool(admin_headers(ctx.target))}


install_harness(events, "mix", prepare, endpoint_limits={reference.LOGIN_NAME: LOGIN_P95_LIMIT_MS})


def _today() -> date:
    return datetime.now(UTC).date()


class Visitor(HarnessUser):
    weight = 9

    def on_start(self) -> None:
        super().on_start()
        assert self.ctx.target is not None
        self.services = {r: s for r in BOOKABLE_ROLES if (s := self.ctx.target.service(r))}
        self.seen: list[tuple[str, str]] = []  # (service id, slot start) with places left

    def _availability(self, service_id: str, first: date, days: int, name: str) -> None:
        call = reference.availability(service_id, first, first + timedelta(days=days - 1), name)
        with self.client.get(call.path, name=call.name, catch_response=True) as response:
            try:
                starts = reference.open_slots(response.content or b"")
            except ValueError:
                response.failure(f"malformed availability ({response.status_code})")
                return
            self.seen = [(service_id, start) for start in starts]

    @task(4)
    def look_at_a_week(self) -> None:
        service_id = random.choice(list(self.services.values()))
        first = _today() + timedelta(days=random.randint(0, LOOK_AHEAD_DAYS))
        self._availability(service_id, first, 7, "GET /services/[id]/availability (7 days)")

    @task(1)
    def look_at_a_month(self) -> None:
        service_id = random.choice(list(self.services.values()))
        self._availability(service_id, _today(), 31, "GET /services/[id]/availability (31 days)")

    @task(3)
    def book(self) -> None:
        if not self.seen:
            self.look_at_a_week()
        if not self.seen:
            return
        service_id, start = self.seen.pop(random.randrange(len(self.seen)))
        book_maybe_keyed(self, self.ctx, service_id=service_id, slot_start=start)


class Staff(HarnessUser):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        target = self.ctx.target
        self.headers: dict[str, str] = {}
        if target is None or not self.ctx.setup.get("adminVerified"):
            return
        call = reference.login(target.admin_email, target.admin_password)
        with self.client.post(call.path, json=call.json, name=call.name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"login failed: {response.status_code}")
                return
            self.headers = reference.bearer(response.json())

    def _our_jobs(
        self, status: str | None, name: str, first: date | None = None, days: int = LOOK_AHEAD_DAYS + 7
    ) -> list[dict[str, Any]]:
        first = first or _today()
        call = reference.jobs(first, first + timedelta(days=days - 1), status, self.headers, name)
        headers = dict(self.headers)
        with self.client.get(call.path, headers=headers, name=call.name, catch_response=True) as response:
            try:
                jobs = reference.listed_jobs(response.json())
            except ValueError:  # not JSON, or not a job list
                response.failure(f"malformed job list ({response.status_code})")
                return []
        # Only this run's jobs: on a shared staging tenant, other people's bookings are not ours to move.
        return [j for j in jobs if request_of_email(j["contactEmail"], self.ctx.run_id)]

    def _some_week(self) -> date:
        return _today() + timedelta(days=random.randint(0, LOOK_AHEAD_DAYS))

    # The calendar: mostly a week, now and then the whole horizon (every job of the run).
    @task(3)
    def look_at_a_week(self) -> None:
        if self.headers:
            self._our_jobs(None, "GET /jobs (week)", self._some_week(), 7)

    @task(1)
    def look_at_everything(self) -> None:
        if self.headers:
            self._our_jobs(None, "GET /jobs")

    @task(2)
    def answer_pending(self) -> None:
        if not self.headers:
            return
        pending = self._our_jobs("pending-confirmation", "GET /jobs (pending)")
        if pending:
            action: Kind = "confirm" if random.random() < 0.75 else "decline"
            move_job(self, self.ctx, action, random.choice(pending)["id"], self.headers)

    @task(1)
    def cancel_one(self) -> None:
        if not self.headers:
            return
        scheduled = self._our_jobs("scheduled", "GET /jobs (week, scheduled)", self._some_week(), 7)
        if scheduled:
            move_job(self, self.ctx, "cancel", random.choice(scheduled)["id"], self.headers)
