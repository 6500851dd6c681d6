"""Live progress while the load runs, on the master (or the single local process): elapsed of
the run's length, users, requests, failures and the current p95 (Locust's last ~10 seconds).
On a terminal one line rewritten each second; in a log (CI, a pipe) a plain line every few
seconds, so a long run is never silent."""

from __future__ import annotations

import sys
import time
from typing import TextIO

import gevent
from locust.env import Environment

TTY_INTERVAL_S = 1.0
LOG_INTERVAL_S = 5.0


def progress_line(environment: Environment, elapsed: float, total_s: float) -> str:
    stats = environment.stats.total
    try:
        p95 = stats.get_current_response_time_percentile(0.95)
    except ValueError:  # a process that keeps no response-time cache
        p95 = None
    users = environment.runner.user_count if environment.runner is not None else 0
    shown_p95 = f"{p95:.0f} ms" if p95 else "-"
    return (
        f"load: {min(elapsed, total_s):4.0f}/{total_s:.0f} s  users {users}  requests {stats.num_requests}  "
        f"failures {stats.num_failures}  p95 now {shown_p95}"
    )


class LiveProgress:
    def __init__(self, environment: Environment, total_s: float, stream: TextIO | None = None) -> None:
        self.environment = environment
        self.total_s = total_s
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self._greenlet: gevent.Greenlet | None = None

    def start(self) -> None:
        self.started = time.monotonic()
        self._greenlet = gevent.spawn(self._loop)

    def _loop(self) -> None:
        interval = TTY_INTERVAL_S if self.tty else LOG_INTERVAL_S
        while True:
            gevent.sleep(interval)
            self._show()

    def _show(self) -> None:
        line = progress_line(self.environment, time.monotonic() - self.started, self.total_s)
        if self.tty:
            self.stream.write("\r" + line + "\x1b[K")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def stop(self) -> None:
        if self._greenlet is None:
            return
        self._greenlet.kill(block=False)
        self._greenlet = None
        self._show()  # the last figures, then a clean line for the verdict
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
