"""What one Locust process knows about the run: the target, the run id, the history recorder,
the scenario's setup (e.g. the race plan) and the harness options. The master (or the local
runner) builds it and sends it to every worker before the users start."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gevent.event

from harness.target import Target
from load.checker.history import HistoryRecorder


@dataclass(frozen=True)
class HarnessOptions:
    think_time_ms: float = 500.0  # a user's mean pause between tasks
    request_timeout_s: float = 10.0  # past this a request is indeterminate ("maybe")
    round_seconds: float = 1.0  # race: how long one group of slots is raced for
    idempotent_share: float = 0.5  # share of bookings sent with an Idempotency-Key
    retry_share: float = 0.3  # share of keyed bookings retried with the same key

    @property
    def think_time_s(self) -> float:
        return self.think_time_ms / 1000.0


@dataclass
class RunContext:
    process: str
    recorder: HistoryRecorder
    target: Target | None = None
    run_id: str = ""
    scenario: str = ""
    duration_s: float = 30.0
    options: HarnessOptions = field(default_factory=HarnessOptions)
    setup: dict[str, Any] = field(default_factory=dict)
    ready: gevent.event.Event = field(default_factory=gevent.event.Event)
    setup_error: str | None = None  # why the scenario's setup failed (the run then judges nothing)
    # Master (or local runner) only: whether the run goes through the adapter's prepare/commit
    # rather than the reference's Locust client, and the user classes the shape spawns.
    through_adapter: bool = False
    user_classes: list[type[Any]] | None = None

    def setup_message(self) -> dict[str, Any]:
        assert self.target is not None
        return {
            "target": self.target.to_json(),
            "runId": self.run_id,
            "scenario": self.scenario,
            "options": self.options.__dict__,
            "setup": self.setup,
        }

    def apply_setup_message(self, data: dict[str, Any]) -> None:
        self.target = Target.from_json(data["target"])
        self.run_id = data["runId"]
        self.scenario = data["scenario"]
        self.options = HarnessOptions(**data["options"])
        self.setup = data["setup"]
        self.ready.set()


_current: RunContext | None = None


def current_context() -> RunContext:
    if _current is None:
        raise RuntimeError("the load harness is not installed in this process (call install_harness)")
    return _current


def set_context(context: RunContext) -> None:
    global _current
    _current = context
