"""Judge a finished run, once, on the master: audit the history against the final state,
evaluate every gate, write the history and the summary, and return the process exit code."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from locust.env import Environment
from locust.stats import StatsEntry

from load.checker.audit import Verdict, audit_history
from load.checker.final_state import read_final_state, read_through_adapter
from load.checker.history import write_history
from load.reports.gates import (
    Gate,
    GateLimits,
    StatsRow,
    audit_gates,
    latency_gates,
    parse_endpoint_limits,
)
from load.reports.releases import release_spread
from load.reports.report import RunSummary, console_lines, write_summary
from load.wiring.context import RunContext

log = logging.getLogger("load")


def stats_row(entry: StatsEntry) -> StatsRow:
    return StatsRow(
        name=str(entry.name),
        method=str(entry.method or ""),
        requests=entry.num_requests,
        failures=entry.num_failures,
        median_ms=float(entry.median_response_time or 0),
        p95_ms=float(entry.get_response_time_percentile(0.95) or 0),
        p99_ms=float(entry.get_response_time_percentile(0.99) or 0),
        average_ms=float(entry.avg_response_time or 0),
        max_ms=float(entry.max_response_time or 0),
        rps=float(entry.total_rps or 0),
    )


def gate_limits(options: Any, scenario_limits: Mapping[str, float] | None = None) -> GateLimits:
    """The limits from the options; a scenario's own per-endpoint defaults yield to them."""
    return GateLimits(
        p95_ms=float(options.gate_p95_ms),
        p95_ms_by_name={**(scenario_limits or {}), **parse_endpoint_limits(options.gate_p95_ms_for or [])},
        p99_ms=float(options.gate_p99_ms) if options.gate_p99_ms else None,
        failure_ratio=float(options.gate_failure_ratio),
        min_bookings=int(options.gate_min_bookings),
    )


def judge_run(
    environment: Environment,
    ctx: RunContext,
    started_at: float,
    scenario_limits: Mapping[str, float] | None = None,
) -> RunSummary:
    assert environment.runner is not None
    if ctx.target is None:
        raise RuntimeError("the run ended before it had a target")
    options: Any = environment.parsed_options
    ops = list(ctx.recorder.operations)
    rows = sorted(
        (stats_row(e) for e in environment.stats.entries.values() if e.num_requests),
        key=lambda r: r.name,
    )
    total = stats_row(environment.stats.total)
    verdict: Verdict | None = None
    audit_error: str | None = None
    try:
        read = read_through_adapter if ctx.through_adapter else read_final_state
        verdict = audit_history(ops, read(ctx.target, ops), ctx.run_id)
    except Exception as exc:  # no verdict, with the reason, rather than a crash
        log.exception("audit failed")
        audit_error = f"{type(exc).__name__}: {exc}"
    limits = gate_limits(options, scenario_limits)
    errors = len(environment.runner.exceptions)
    gates = [
        *latency_gates(rows, total, limits),
        *audit_gates(verdict, audit_error, ops, rows, limits),
        Gate("errors in scenario code", "= 0", str(errors), errors == 0),
    ]
    results_dir = Path(options.results_dir)
    results_dir.mkdir(parents=True, exist_ok=True)
    write_history(ops, results_dir / "history.jsonl")
    files = {"history": str(results_dir / "history.jsonl")}
    if getattr(options, "html_file", None):
        files["html"] = str(options.html_file)
    if getattr(options, "csv_prefix", None):
        files["csv"] = f"{options.csv_prefix}_stats.csv"
    summary = RunSummary(
        scenario=ctx.scenario,
        run_id=ctx.run_id,
        started_at=datetime.fromtimestamp(started_at, UTC).isoformat(timespec="seconds"),
        ended_at=datetime.fromtimestamp(time.time(), UTC).isoformat(timespec="seconds"),
        target={
            "baseUrl": ctx.target.base_url,
            "urls": list(ctx.target.urls),
            "local": bool(options.target_local),
            "adapter": ctx.target.adapter,
        },
        options={
            "users": options.num_users,
            "spawnRate": options.spawn_rate,
            "durationSeconds": ctx.duration_s,
            "shape": options.shape,
            # Processes whose operations reached the history (the workers, when distributed).
            "recordingProcesses": len({op.process for op in ops}),
            **ctx.options.__dict__,
        },
        rows=rows,
        total=total,
        gates=gates,
        verdict=verdict,
        audit_error=audit_error,
        files=files,
        setup_error=ctx.setup_error,
        path=str(ctx.setup.get("path") or ""),
        notes=tuple(ctx.setup.get("notes") or ()),
        releases=release_spread(ops) if ctx.through_adapter else None,
    )
    write_summary(summary, results_dir)
    lines = console_lines(summary)
    (results_dir / "verdict.txt").write_text("\n".join(lines) + "\n")
    for line in lines:
        print(line, flush=True)
    print(f"summary: {results_dir / 'summary.md'}", flush=True)
    return summary
