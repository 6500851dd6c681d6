"""The base of every scenario's users: spread over the target's server URLs, bounded request
times (past them a request is "maybe", not "no"), and a think time from the harness options."""

from __future__ import annotations

import itertools
import random

import gevent
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment
from locust.user.users import LOCUST_STATE_WAITING

from load.wiring.context import RunContext, current_context

_next_user = itertools.count()
WAIT_FOR_THE_END_S = 3600.0  # longer than any run: the shape stops the user well before


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
        if self.ctx.setup_error is not None:
            # The run could not start: nothing to do but wait, as a user between tasks does, to
            # be stopped at once when the shape ends the run (a StopUser here logs a traceback).
            self._state = LOCUST_STATE_WAITING
            gevent.sleep(WAIT_FOR_THE_END_S)

    def wait_time(self) -> float:
        """Uniform in [0, 2 x think time]: the mean is the think time, arrivals are not in lockstep."""
        return random.uniform(0.0, 2.0 * self.ctx.options.think_time_s)
