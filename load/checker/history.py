"""The history of a run, across processes: every process records its operations; a worker
ships what it recorded to the master inside each stats report (every few seconds and once
more when it quits), so the master holds the whole history when the run ends.

Riding on Locust's own stats reports, rather than a message of our own, keeps the history
and the request statistics in step: the gate that compares them catches a lost shipment.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from load.checker.operations import Operation

REPORT_KEY = "booking_history"


class HistoryRecorder:
    def __init__(self, process: str = "local") -> None:
        self.process = process
        self.shipping = False  # True on a worker: operations go to the master
        self.operations: list[Operation] = []  # the merged history (master or local runner)
        self._outbox: list[dict[str, Any]] = []
        self._idle_reported_at: dict[str, float] = {}

    def record(self, op: Operation) -> None:
        if self.shipping:
            self._outbox.append(op.to_json())
        else:
            self.operations.append(op)

    # worker side
    def ship(self, data: dict[str, Any], users: int) -> None:
        """Put everything recorded since the last report into this stats report."""
        data[REPORT_KEY] = {"ops": self._outbox, "users": users}
        self._outbox = []

    # master side
    def receive(self, worker_id: str, data: dict[str, Any], now: float | None = None) -> None:
        payload = data.get(REPORT_KEY)
        if not payload:
            return
        self.operations.extend(Operation.from_json(op) for op in payload["ops"])
        if payload["users"] == 0:
            self._idle_reported_at[worker_id] = time.time() if now is None else now

    def workers_drained(self, worker_ids: Iterable[str], since: float) -> bool:
        """Every worker reported zero users after `since`: their histories are all here."""
        return all(self._idle_reported_at.get(w, 0.0) > since for w in worker_ids)


def write_history(ops: Iterable[Operation], path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for op in sorted(ops, key=lambda o: (o.start, o.id)):
            fh.write(json.dumps(op.to_json(), separators=(",", ":")) + "\n")


def read_history(path: Path) -> list[Operation]:
    with path.open(encoding="utf-8") as fh:
        return [Operation.from_json(json.loads(line)) for line in fh if line.strip()]
