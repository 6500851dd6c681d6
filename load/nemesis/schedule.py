"""The nemesis's schedule: beside a running load, inject the chosen faults in turn, one every
interval from the run's first booking, each undone before the next; the Locust master waits
for the last one to be undone and recovered before it audits (the audit reads the final state
from the database).

Every fault becomes an operation of the run's history (kind "fault", `code` the fault's name,
from injection to recovery), written as it ends to a log the Locust master reads into the
history before it audits; a last line marks the schedule done, so the master knows it has
them all.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from load.checker.operations import Operation, new_id
from load.nemesis.faults import INJECT, RECOVERY_BOUND_S, NemesisStack, wait_all_healthy

log = logging.getLogger("load.nemesis")
DONE = {"done": True}
# A fault starts only while this much of the run is left, so it strikes while users still run
# (the master waits for the last one to recover before it audits).
FAULT_BUDGET_S = 4.0
LOG_WAIT_S = 120.0
LOAD_START_WAIT_S = 60.0


@dataclass(frozen=True)
class FaultRecord:
    name: str
    start: float
    healed: float
    recovered: float | None  # every server healthy again; None: not within the bound
    detail: str
    outbox_window: tuple[str, str] | None = None

    @property
    def recovery_s(self) -> float | None:
        return None if self.recovered is None else round(self.recovered - self.start, 2)

    def operation(self) -> Operation:
        return Operation(
            id=new_id(),
            kind="fault",
            process="nemesis",
            start=self.start,
            end=self.recovered if self.recovered is not None else self.healed,
            outcome="ok" if self.recovered is not None else "indeterminate",
            status=0,
            code=self.name,
            detail=self.detail,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "fault": self.name,
            "start": self.start,
            "healed": self.healed,
            "recovered": self.recovered,
            "recoverySeconds": self.recovery_s,
            "detail": self.detail,
            "outboxWindow": list(self.outbox_window) if self.outbox_window else None,
        }


class NemesisSchedule(threading.Thread):
    def __init__(
        self,
        stack: NemesisStack,
        faults: list[str],
        *,
        interval_s: float,
        run_seconds: float,
        log_path: Path,
        outage_s: float | None = None,
    ) -> None:
        super().__init__(name="nemesis", daemon=True)
        self.stack = stack
        self.faults = faults
        self.interval_s = interval_s
        self.run_seconds = run_seconds
        self.log_path = log_path
        self.outage_s = outage_s if outage_s is not None else max(1.0, min(5.0, interval_s * 0.6))
        self.records: list[FaultRecord] = []
        self.error: str | None = None
        self._halt = threading.Event()

    def stop(self) -> None:
        self._halt.set()

    def _inject(self, name: str) -> FaultRecord:
        injected = INJECT[name](self.stack, self.outage_s)
        recovered = wait_all_healthy(self.stack.info.urls, RECOVERY_BOUND_S)
        window = injected.outbox_window
        return FaultRecord(
            name,
            injected.start,
            injected.healed,
            recovered,
            injected.detail,
            (window[0].isoformat(), window[1].isoformat()) if window else None,
        )

    def _wait_for_load(self) -> None:
        """Until the run's first booking is in the database: the users are at work (a fault
        while Locust still starts would strike an idle service and prove nothing)."""
        since = time.time()
        deadline = time.monotonic() + LOAD_START_WAIT_S
        with psycopg.connect(self.stack.info.database_url, autocommit=True, connect_timeout=10) as conn:
            while not self._halt.is_set() and time.monotonic() < deadline:
                row = conn.execute(
                    "SELECT 1 FROM jobs WHERE created_at >= to_timestamp(%s) LIMIT 1", (since,)
                ).fetchone()
                if row is not None:
                    return
                time.sleep(0.2)

    def run(self) -> None:
        self.log_path.write_text("")
        try:
            self._wait_for_load()
            began = time.monotonic()  # the run's clock, give or take the first booking's second
            turn = 0
            while not self._halt.wait(self.interval_s):
                if time.monotonic() - began + FAULT_BUDGET_S > self.run_seconds:
                    break
                name = self.faults[turn % len(self.faults)]
                turn += 1
                record = self._inject(name)
                self.records.append(record)
                log.warning("nemesis: %s: %s; recovered in %s s", name, record.detail, record.recovery_s)
                self._append(record.operation().to_json())
        except Exception as exc:  # reported as the nemesis's failure, never a silent stop
            log.exception("nemesis failed")
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self._append(DONE)

    def _append(self, line: dict[str, Any]) -> None:
        with self.log_path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, separators=(",", ":")) + "\n")


def read_fault_log(path: Path, wait_s: float = LOG_WAIT_S) -> list[Operation]:
    """The fault operations of a run, once the schedule marked itself done (waiting for that
    up to `wait_s`: the last fault may still be recovering when the users stop)."""
    deadline = time.monotonic() + wait_s
    while True:
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
        entries = [json.loads(line) for line in lines if line.strip()]
        if DONE in entries or time.monotonic() > deadline:
            return [Operation.from_json(e) for e in entries if e != DONE]
        time.sleep(0.2)
