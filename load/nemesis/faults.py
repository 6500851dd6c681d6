"""The nemesis's faults, each injected into the local stack the harness started and then undone:

- kill-worker: SIGKILL one server process (no shutdown, no goodbye), then start it again on
  its port, as a supervisor would;
- restart-db: crash PostgreSQL (`pg_ctl restart -m immediate`) and let it recover; only a
  cluster the harness itself created (owned_postgres.py), never a server it did not start;
- ses-outage: pause the moto server standing in for SES (SIGSTOP: connections hang, as to an
  unreachable endpoint) for a while, then let it go on (SIGCONT), keeping what it received;
- drop-connections: `pg_terminate_backend` every connection to the stack's own database.

Each returns what it did and when it was undone; the recovery (every server answering
`GET /health` with 200 again) is measured by the caller.
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import psycopg

from harness.api_client import BookingApi
from load.nemesis.owned_postgres import OwnedPostgres

if TYPE_CHECKING:  # the stack's module pulls in the whole service: imported where it is used
    from reference_app.local.stack import StackInfo

FAULTS = ("kill-worker", "restart-db", "ses-outage", "drop-connections")
RECOVERY_BOUND_S = 30.0


class NemesisRefused(ValueError):
    """A fault that cannot be injected safely into this stack; the message says why."""


@dataclass
class NemesisStack:
    """What the nemesis may touch: only processes and databases the harness started."""

    info: StackInfo
    owned_postgres: OwnedPostgres | None
    server_workers: int
    log_dir: Path
    _next_server: itertools.count[int] = field(default_factory=itertools.count)

    def next_server_index(self) -> int:
        return next(self._next_server) % len(self.info.servers)


@dataclass(frozen=True)
class Injected:
    """A fault as injected: when it began, when it was undone, and what it did."""

    start: float
    healed: float
    detail: str
    outbox_window: tuple[datetime, datetime] | None = None  # ses-outage: emails queued meanwhile


def check_allowed(names: list[str], stack: NemesisStack) -> None:
    unknown = [n for n in names if n not in FAULTS]
    if unknown:
        raise NemesisRefused(f"unknown nemesis {unknown}; choose from {', '.join(FAULTS)}")
    if "restart-db" in names and stack.owned_postgres is None:
        raise NemesisRefused(
            "restart-db restarts only a PostgreSQL the harness started itself; this stack's "
            "database is someone else's (DATABASE_URL or a container), so it is never restarted"
        )
    if "ses-outage" in names and stack.info.ses is None:
        raise NemesisRefused("ses-outage needs the local stack's moto SES server, and this stack has none")
    if "kill-worker" in names and stack.server_workers != 1:
        raise NemesisRefused(
            "kill-worker restarts the server it kills; run the stack with --server-workers 1 "
            "(a multi-worker server's children would outlive a killed supervisor)"
        )


def kill_worker(stack: NemesisStack, _: float) -> Injected:
    index = stack.next_server_index()
    victim = stack.info.servers[index]
    port = int(victim.url.rsplit(":", 1)[1])
    start = time.time()
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait()
    # A folder per restart: the killed server's log (same port, same file name) is kept.
    log_dir = stack.log_dir / f"restarted-{int(start * 1000)}"
    log_dir.mkdir(parents=True, exist_ok=True)
    from reference_app.local.stack import start_server

    stack.info.servers[index] = start_server(
        stack.info.database_url,
        port=port,
        workers=stack.server_workers,
        env=stack.info.server_env,
        log_dir=log_dir,
    )
    return Injected(start, time.time(), f"SIGKILL server {victim.url} (pid {victim.process.pid}), restarted")


def restart_db(stack: NemesisStack, _: float) -> Injected:
    cluster = stack.owned_postgres
    if cluster is None:  # check_allowed refused it already; this guards a direct call
        raise NemesisRefused("restart-db: the stack's PostgreSQL is not one the harness started")
    start = time.time()
    cluster.restart()
    return Injected(
        start, time.time(), f"PostgreSQL on port {cluster.port} crashed (immediate) and restarted"
    )


def ses_outage(stack: NemesisStack, hold_s: float) -> Injected:
    ses = stack.info.ses
    if ses is None:
        raise NemesisRefused("ses-outage: the stack has no moto SES server")
    began = datetime.now(UTC)
    start = time.time()
    os.kill(ses.process.pid, signal.SIGSTOP)
    try:
        time.sleep(hold_s)
    finally:
        os.kill(ses.process.pid, signal.SIGCONT)
    return Injected(
        start,
        time.time(),
        f"SES (moto at {ses.url}) paused for {hold_s:.1f} s",
        outbox_window=(began, datetime.now(UTC)),
    )


def drop_connections(stack: NemesisStack, _: float) -> Injected:
    start = time.time()
    with psycopg.connect(stack.info.database_url, autocommit=True, connect_timeout=10) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return Injected(start, time.time(), f"terminated {sum(1 for (ok,) in rows if ok)} database connections")


INJECT: dict[str, Callable[[NemesisStack, float], Injected]] = {
    "kill-worker": kill_worker,
    "restart-db": restart_db,
    "ses-outage": ses_outage,
    "drop-connections": drop_connections,
}


def wait_all_healthy(urls: list[str], bound_s: float = RECOVERY_BOUND_S) -> float | None:
    """When every server answered GET /health with 200 (None: not within the bound)."""
    deadline = time.monotonic() + bound_s
    pending = [BookingApi(url, timeout=2.0) for url in urls]
    try:
        while pending:
            try:
                if pending[0].health().status_code == 200:
                    pending.pop(0).close()
                    continue
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                return None
            time.sleep(0.05)
    finally:
        for api in pending:
            api.close()
    return time.time()
