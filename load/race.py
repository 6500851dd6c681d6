"""Race: many users book the same few free slots at once (capacity 1, 2 and 3), some with an
Idempotency-Key and a retry with the same key. Every attempt is recorded; at the end the audit
proves no slot holds more jobs than its capacity and every acknowledged booking exists.

    python -m load run --scenario race --users 100 --duration 30s
    locust -f load/race.py --headless -u 100 -t 30s --target-file target.json
"""

from __future__ import annotations

import random
import time
from typing import Any

from locust import events, task

from load.common.booking_client import book_maybe_keyed
from load.common.context import RunContext
from load.common.harness_user import HarnessUser
from load.common.locust_hooks import install_harness
from load.common.race_plan import RacePlan, plan_race
from load.common.table_shape import TableShape

__all__ = ["RaceUser", "TableShape"]


def prepare(ctx: RunContext) -> dict[str, Any]:
    assert ctx.target is not None
    # Round 0 starts a moment from now, once every worker has the plan.
    plan = plan_race(ctx.target, ctx.duration_s, ctx.options.round_seconds, t0=time.time() + 1.0)
    return {"plan": plan.to_json()}


install_harness(events, "race", prepare)


class RaceUser(HarnessUser):
    def on_start(self) -> None:
        super().on_start()
        self.plan = RacePlan.from_json(self.ctx.setup["plan"])

    @task
    def race_for_a_slot(self) -> None:
        slot = random.choice(self.plan.group_at(time.time()))
        book_maybe_keyed(self, self.ctx, service_id=slot.service_id, slot_start=slot.start)
