"""The one LoadTestShape of every locustfile: it plays the table chosen with --shape (see
load/wiring/shapes.py) over the run's duration (-t), then stops every user and waits until every
process has shipped its history ("drain") before it ends the run, so the audit sees it all.
"""

from __future__ import annotations

import time
from typing import Any

from locust import LoadTestShape
from locust.runners import STATE_MISSING, MasterRunner

from load.wiring.context import current_context
from load.wiring.shapes import stage_at

DRAIN_TIMEOUT_S = 30.0


class TableShape(LoadTestShape):
    use_common_options = True

    def __init__(self) -> None:
        super().__init__()
        self.drain_started: float | None = None

    def reset_time(self) -> None:
        super().reset_time()
        self.drain_started = None

    def _drained(self) -> bool:
        runner = self.runner
        assert runner is not None and self.drain_started is not None
        if runner.user_count != 0:
            return False
        if isinstance(runner, MasterRunner):
            workers = [w.id for w in runner.clients.all if w.state != STATE_MISSING]
            return current_context().recorder.workers_drained(workers, self.drain_started)
        return True

    def tick(self) -> tuple[int, float] | tuple[int, float, list[type[Any]] | None] | None:
        assert self.runner is not None
        ctx = current_context()
        if ctx.setup_error is not None:
            # The scenario could not start (locust_hooks says why): the run ends here, its users
            # stopped once by Locust (a quit while they were spawning failed each one's stop).
            return None
        options = self.runner.environment.parsed_options
        users = int(getattr(options, "num_users", None) or 1)
        rate = float(getattr(options, "spawn_rate", None) or users)
        stage = stage_at(
            getattr(options, "shape", "steady"), self.get_run_time(), ctx.duration_s, users, rate
        )
        if stage is not None:
            # The scenario's classes for the way this run speaks to the target, if it says.
            return stage if ctx.user_classes is None else (*stage, ctx.user_classes)
        if self.drain_started is None:
            self.drain_started = time.time()
        patience = DRAIN_TIMEOUT_S + float(self.runner.environment.stop_timeout or 0)
        if self._drained() or time.time() - self.drain_started > patience:
            return None
        return 0, max(rate, float(users))
