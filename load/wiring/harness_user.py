"""The base of every scenario's users: spread over the target's server URLs, bounded request
times (past them a request is "maybe", not "no"), and a think time from the harness options."""

from __future__ import annotations

import itertools
import random

from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

from load.wiring.context import RunContext, current_context

_next_user = itertools.count()


class HarnessUser(FastHttpUser):
    abstract = True
    connection_timeout = 5.0

    def __init__(self, environment: Environment) -> None:
        self.ctx: RunContext = current_context()
        self.index = next(_next_user)
        if self.ctx.target is not None:
            urls = self.ctx.target.urls
            self.host = urls[self.index % len(urls)]
        self.network_timeout = self.ctx.options.request_timeout_s
        super().__init__(environment)

    def on_start(self) -> None:
        # The setup message arrives before the first spawn message; this only guards misuse.
        self.ctx.ready.wait(timeout=30)

    def wait_time(self) -> float:
        """Uniform in [0, 2 x think time]: the mean is the think time, arrivals are not in lockstep."""
        return random.uniform(0.0, 2.0 * self.ctx.options.think_time_s)
