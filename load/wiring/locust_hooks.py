"""Wire the harness into Locust: its command-line options, the target and setup sent from the
master to the workers, the history shipped back with each stats report, and the one verdict
given in the `quitting` listener, which sets the process exit code.

A locustfile calls `install_harness(events, scenario_name, prepare)` once at import.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from locust.argument_parser import LocustArgumentParser
from locust.env import Environment
from locust.event import Events
from locust.runners import LocalRunner, MasterRunner, Runner, WorkerRunner

from harness.exit_codes import NOT_JUDGED, CannotJudge
from harness.target import Target, TargetError, resolve_target
from load.checker.history import HistoryRecorder
from load.checker.operations import new_id
from load.through_adapter import has_reference_client
from load.wiring.context import HarnessOptions, RunContext, set_context
from load.wiring.judgement import judge_run
from load.wiring.progress import LiveProgress
from load.wiring.shapes import SHAPES

log = logging.getLogger("load")
SETUP_MESSAGE = "harness_setup"
DEFAULT_DURATION_S = 30.0
Prepare = Callable[[RunContext], dict[str, Any]]
# The user classes a scenario runs each way: "reference-client" (the reference adapter's
# Locust-speed client) and "adapter" (through the target adapter's prepare/commit).
REFERENCE_CLIENT, ADAPTER = "reference-client", "adapter"


def add_arguments(parser: LocustArgumentParser) -> None:
    group = parser.add_argument_group("booking harness")
    group.add_argument("--target-file", default="", help="target description JSON (see harness/target.py)")
    group.add_argument(
        "--target-local", action="store_true", default=False, help="the target is a local stack"
    )
    group.add_argument("--shape", default="steady", help="load shape: steady, ramp, spike, soak")
    group.add_argument("--results-dir", default="", help="where the history and summary go")
    group.add_argument(
        "--run-id", default="", help="names this run's bookings (lowercase letters and digits)"
    )
    group.add_argument("--think-time-ms", type=float, default=HarnessOptions.think_time_ms)
    group.add_argument("--request-timeout", type=float, default=HarnessOptions.request_timeout_s)
    group.add_argument("--round-seconds", type=float, default=HarnessOptions.round_seconds)
    group.add_argument("--idempotent-share", type=float, default=HarnessOptions.idempotent_share)
    group.add_argument("--retry-share", type=float, default=HarnessOptions.retry_share)
    group.add_argument("--gate-p95-ms", type=float, default=500.0, help="p95 limit for all requests")
    group.add_argument(
        "--gate-p95-ms-for", action="append", default=[], help='per endpoint: "NAME=MS" (repeatable)'
    )
    group.add_argument("--gate-p99-ms", type=float, default=0.0, help="p99 limit (0: no p99 gate)")
    group.add_argument("--gate-failure-ratio", type=float, default=0.01)
    group.add_argument("--gate-min-bookings", type=int, default=1)
    group.add_argument(
        "--through-adapter",
        action="store_true",
        default=False,
        help="race through the adapter's prepare/commit even when it has a Locust client of its own",
    )
    group.add_argument(
        "--nemesis-log",
        default="",
        help="faults injected meanwhile (written by `python -m load run --nemesis`)",
    )


def _master_target(options: Any) -> Target:
    target = resolve_target(target_file=options.target_file or None)
    if target is None and options.host:
        target = Target(base_url=options.host)
    if target is None:
        raise TargetError(
            "no target: pass --target-file or set HARNESS_TARGET_FILE / HARNESS_BASE_URL "
            "(or run `python -m load run`, which starts a local reference stack)"
        )
    return target


def _harness_options(options: Any) -> HarnessOptions:
    return HarnessOptions(
        think_time_ms=options.think_time_ms,
        request_timeout_s=options.request_timeout,
        round_seconds=options.round_seconds,
        idempotent_share=options.idempotent_share,
        retry_share=options.retry_share,
    )


def install_harness(
    events: Events,
    scenario: str,
    prepare: Prepare | None = None,
    endpoint_limits: Mapping[str, float] | None = None,
    user_classes: Mapping[str, list[type[Any]]] | None = None,
) -> None:
    """`endpoint_limits`: the scenario's default p95 limits for some endpoints, in ms
    (`--gate-p95-ms-for` overrides them). `user_classes`: the classes to run through the
    reference's Locust client and through an adapter (load/through_adapter.py); without
    them, every user class of the locustfile runs."""
    started_at = time.time()

    @events.init_command_line_parser.add_listener
    def _(parser: LocustArgumentParser) -> None:
        add_arguments(parser)

    @events.init.add_listener
    def on_init(environment: Environment, runner: Runner, **_: Any) -> None:
        options: Any = environment.parsed_options
        if isinstance(runner, WorkerRunner):
            ctx = RunContext(process=runner.client_id, recorder=HistoryRecorder(runner.client_id))
            ctx.recorder.shipping = True
            set_context(ctx)
            runner.register_message(
                SETUP_MESSAGE, lambda environment, msg, **kw: ctx.apply_setup_message(msg.data)
            )

            @events.report_to_master.add_listener
            def ship(client_id: str, data: dict[str, Any]) -> None:
                ctx.recorder.ship(data, runner.user_count)

            return
        ctx = RunContext(
            process="master" if isinstance(runner, MasterRunner) else "local", recorder=HistoryRecorder()
        )
        set_context(ctx)
        try:
            ctx.target = _master_target(options)
        except TargetError as exc:
            log.error("%s", exc)
            sys.exit(2)
        if options.shape not in SHAPES:
            log.error("unknown --shape %r; choose one of %s", options.shape, ", ".join(sorted(SHAPES)))
            sys.exit(2)
        ctx.scenario = scenario
        try:
            ctx.through_adapter = bool(options.through_adapter) or not has_reference_client(ctx.target)
        except CannotJudge as exc:
            log.error("%s", exc)
            sys.exit(2)
        if user_classes is not None:
            ctx.user_classes = user_classes.get(ADAPTER if ctx.through_adapter else REFERENCE_CLIENT)
        ctx.run_id = options.run_id or new_id()
        ctx.options = _harness_options(options)
        # The run's length is the shape's to enforce, so that it can drain the history first:
        # Locust's own --run-time timer would quit before the workers' last shipment.
        ctx.duration_s = float(options.run_time or DEFAULT_DURATION_S)
        options.run_time = None
        if not options.results_dir:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            options.results_dir = os.path.join("artifacts", "load", f"{stamp}-{scenario}")
        environment.host = environment.host or ctx.target.base_url
        if isinstance(runner, MasterRunner):

            @events.worker_report.add_listener
            def receive(client_id: str, data: dict[str, Any]) -> None:
                ctx.recorder.receive(client_id, data)

    @events.test_start.add_listener
    def freeze_startup_heap(**_: Any) -> None:
        # Locust, gevent and the scenario's imports live as long as the run: out of the cyclic
        # collector's full passes, which otherwise paused every user mid-request for tens of
        # milliseconds and counted the pause as the service's latency. Every process runs this.
        gc.collect()
        gc.freeze()

    @events.test_start.add_listener
    def on_test_start(environment: Environment, **_: Any) -> None:
        runner = environment.runner
        if not isinstance(runner, MasterRunner | LocalRunner):
            return
        from load.wiring.context import current_context

        ctx = current_context()
        if not ctx.ready.is_set():
            try:
                ctx.setup = prepare(ctx) if prepare else {}
            except Exception as exc:  # the run cannot start: it ends at once, with no verdict
                ctx.setup_error = (
                    f"{type(exc).__name__}: {exc}" if not isinstance(exc, ValueError) else str(exc)
                )
                log.error("the scenario could not start: %s", ctx.setup_error)
                ctx.ready.set()  # the users waiting for the setup stop at once (harness_user.py)
                return  # and the shape (table_shape.py) ends the run at its next tick
            ctx.ready.set()
        if isinstance(runner, MasterRunner):
            runner.send_message(SETUP_MESSAGE, ctx.setup_message())
        progress = LiveProgress(environment, ctx.duration_s)
        progress.start()
        events.test_stop.add_listener(lambda **_: progress.stop())

    @events.quitting.add_listener
    def on_quitting(environment: Environment, **_: Any) -> None:
        if isinstance(environment.runner, WorkerRunner) or environment.runner is None:
            return
        from load.wiring.context import current_context

        ctx = current_context()
        nemesis_log = getattr(environment.parsed_options, "nemesis_log", "")
        if nemesis_log:  # the faults join the history before the audit reads the final state
            from load.nemesis.schedule import read_fault_log

            ctx.recorder.operations.extend(read_fault_log(Path(nemesis_log)))
        try:
            summary = judge_run(environment, ctx, started_at, endpoint_limits)
        except Exception as exc:  # a fault in the harness: no verdict, never a pass or a fail
            print(
                f"load: harness error, no verdict: {type(exc).__name__}: {exc} (traceback follows)",
                file=sys.stderr,
                flush=True,
            )
            traceback.print_exc()
            environment.process_exit_code = NOT_JUDGED
            return
        environment.process_exit_code = summary.exit_code
