"""`python -m load capacity`: the most load the target serves within the SLO.

On one stack (the target, or a local reference stack started for the search), each step runs
the scenario at a number of users for `--step-seconds`, audited and gated as every run; the
search (`load/benchmark/capacity_search.py`) raises the users by a factor until a step breaks
the SLO or reaches `--max-users`, then narrows between the last passing and the first
failing step. A step that fails its audit never counts as capacity. Against a target someone
else runs (staging), `--max-users` is required and no step ever exceeds it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.target import Target, harness_target, resolve_target
from load.benchmark.capacity_report import headline, write_capacity
from load.benchmark.capacity_search import CapacitySearch, Measurement, Slo, SloError
from load.launch import LOAD_STACK_ENV, run_locust
from load.run import add_run_arguments

LOCAL_MAX_USERS = 400
# Users arrive within this share of a step, so most of the step runs at its full load.
ARRIVAL_SHARE = 0.2


def add_capacity_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", choices=["mix", "race"], required=True)
    parser.add_argument("--slo", default="p99<100ms,fail<1%", help='e.g. "p99<100ms,fail<1%%"')
    parser.add_argument("--start-users", type=int, default=20)
    parser.add_argument(
        "--max-users",
        type=int,
        default=None,
        help=f"hard ceiling, never exceeded; required against a remote target (local: {LOCAL_MAX_USERS})",
    )
    parser.add_argument("--step-seconds", type=float, default=30.0)
    parser.add_argument("--growth", type=float, default=2.0, help="raising steps multiply the users by this")
    parser.add_argument(
        "--resolution", type=float, default=0.1, help="narrow until the gap is this share of the load"
    )
    parser.add_argument(
        "--target-file", help="target description JSON; else HARNESS_* env; else a local stack"
    )
    parser.add_argument("--base-url", help="target base URL (other target fields from the environment)")
    parser.add_argument("--results-dir", help="default: artifacts/capacity/<timestamp>-<scenario>")
    parser.add_argument("--servers", type=int, default=2, help="local stack: server processes")


def measurement_from_summary(users: int, summary: dict[str, Any], load_average: float) -> Measurement:
    total = summary["total"]
    duration = float(summary["options"]["durationSeconds"]) or 1.0
    verdict = summary.get("verdict") or {}
    acknowledged = (verdict.get("counts") or {}).get("book:ok", 0)
    requests = int(total["requests"])
    return Measurement(
        users=users,
        requests_per_s=float(total["rps"]),
        bookings_per_s=acknowledged / duration,
        p50_ms=float(total["median_ms"]),
        p95_ms=float(total["p95_ms"]),
        p99_ms=float(total["p99_ms"]),
        failure_ratio=int(total["failures"]) / requests if requests else 1.0,
        audit_ok=bool(verdict.get("ok")),
        details={"loadAverage": round(load_average, 1), "results": summary["files"].get("history", "")},
    )


def _step_args(args: argparse.Namespace, users: int, results: Path) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    spawn_rate = max(1.0, users / max(1.0, args.step_seconds * ARRIVAL_SHARE))
    return parser.parse_args(
        [
            "--scenario",
            args.scenario,
            "--users",
            str(users),
            "--duration",
            f"{args.step_seconds:g}s",
            "--spawn-rate",
            f"{spawn_rate:g}",
            "--results-dir",
            str(results),
        ]
    )


def measure_step(
    args: argparse.Namespace, target: Target, users: int, out: Path, passthrough: Sequence[str]
) -> Measurement:
    results = out / f"step-{users:04d}-users"
    load_average = os.getloadavg()[0]
    run_locust(_step_args(args, users, results), target, passthrough)
    summary_path = results / "summary.json"
    if not summary_path.exists():  # the run broke before judging: a step that met nothing
        return Measurement(users, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, False, {"error": "no summary written"})
    return measurement_from_summary(users, json.loads(summary_path.read_text()), load_average)


def cmd_capacity(args: argparse.Namespace, passthrough: Sequence[str]) -> int:
    try:
        slo = Slo.parse(args.slo)
    except SloError as exc:
        print(f"capacity: {exc}", file=sys.stderr)
        return 2
    explicit = resolve_target(base_url=args.base_url, target_file=args.target_file)
    if explicit is not None and args.max_users is None:
        print(
            "capacity: a remote target needs a hard --max-users (the search never exceeds it)",
            file=sys.stderr,
        )
        return 2
    if args.step_seconds < 1:
        print(f"capacity: --step-seconds must be at least 1, got {args.step_seconds:g}", file=sys.stderr)
        return 2
    max_users = args.max_users if args.max_users is not None else LOCAL_MAX_USERS
    try:
        search = CapacitySearch(
            slo, args.start_users, max_users, growth=args.growth, resolution=args.resolution
        )
    except ValueError as exc:
        print(f"capacity: {exc}", file=sys.stderr)
        return 2
    stamp = datetime.now(UTC)
    out = Path(args.results_dir or Path("artifacts") / "capacity" / f"{stamp:%Y%m%dT%H%M%SZ}-{args.scenario}")
    with harness_target(explicit, servers=args.servers, env=LOAD_STACK_ENV) as target:
        while (users := search.next_users()) is not None:
            print(
                f"capacity: step {len(search.steps) + 1}: {users} user(s) for {args.step_seconds:g} s",
                flush=True,
            )
            step = measure_step(args, target, users, out, passthrough)
            search.record(step)
            breaches = slo.breaches(step)
            print(
                f"capacity: {users} user(s): " + ("met the SLO" if not breaches else "; ".join(breaches)),
                flush=True,
            )
        meta = {
            "scenario": args.scenario,
            "date": f"{stamp:%Y-%m-%d %H:%M} UTC",
            "target": target.base_url + (" (local stack)" if target.local else ""),
            "stepSeconds": args.step_seconds,
        }
        table = write_capacity(search, out, meta)
    print(table)
    print(headline(search))
    print(f"capacity table: {out / 'capacity.md'}, capacity.json, capacity.png")
    return 0 if search.capacity() is not None else 1
