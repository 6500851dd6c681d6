"""`python -m load bench`: measure the local reference stack, once per stack profile.

For each profile (how the stack is served: server processes, event loop, HTTP parser, pool),
start a fresh local stack, measure the raw SQL booking transaction (the database's limit),
then run the race and the mix at a fixed number of users, and write one table: booking
throughput and latency (p50/p95/p99), the HTTP/SQL throughput ratio, and the availability
look-up over 31 days (p50/p95) under the mix. Every run is also audited and gated as usual.

Each scenario runs twice: *paced* (users pause a think time between requests, 250 ms on
average) for latency, and *saturated* (no think time: every user sends its next request as
soon as the last one is answered) for throughput, the service's limit. Users arrive at a
steady rate (10 per second by default) rather than all at once.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.target import local_reference_target
from load.benchmark.bench_report import bench_markdown
from load.benchmark.capacity import measure_step
from load.benchmark.capacity_report import write_capacity
from load.benchmark.capacity_search import CapacitySearch, Slo
from load.benchmark.measured import Measured
from load.benchmark.pgbench_baseline import PgbenchResult, measure_pgbench
from load.benchmark.sql_baseline import SqlBaseline, measure_sql_baseline
from load.launch import LOAD_STACK_ENV, run_locust
from load.reports.gates import BOOKING_REQUEST_PREFIX
from load.run import add_run_arguments

MONTH_LOOKUP = "GET /services/[id]/availability (31 days)"
DEFAULT_POOL_MAX_SIZE = 10  # the service's DB_POOL_MAX_SIZE default
CAPACITY_SLO = "p99<100ms,fail<1%"


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    servers: int
    env: dict[str, str]

    @property
    def stack_env(self) -> dict[str, str]:
        """The environment of a local stack served this way, for load (no abuse limits)."""
        return {**LOAD_STACK_ENV, **self.env}


# "before" pins what the service ran with before tuning; "tuned" is today's defaults.
PROFILES = {
    "before": Profile(
        "before",
        "2 servers x 1 worker, asyncio loop + h11, pool 2..10",
        2,
        {"SERVE_LOOP": "asyncio", "SERVE_HTTP": "h11", "DB_POOL_MIN_SIZE": "2", "DB_POOL_MAX_SIZE": "10"},
    ),
    "tuned": Profile("tuned", "defaults: 2 servers x 1 worker, uvloop + httptools, pool 2..10", 2, {}),
}


def add_bench_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profiles", default="before,tuned", help=f"comma-separated, of {sorted(PROFILES)}")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--duration", default="30s")
    parser.add_argument("--think-time-ms", type=float, default=250.0, help="paced runs' mean think time")
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per second")
    parser.add_argument(
        "--no-saturated", dest="saturated", action="store_false", help="skip the runs without think time"
    )
    parser.add_argument("--sql-connections", type=int, default=8)
    parser.add_argument("--sql-seconds", type=float, default=15.0)
    parser.add_argument(
        "--pgbench-connections",
        type=int,
        default=0,
        help="pgbench clients (default: the service's pool size, servers x DB_POOL_MAX_SIZE)",
    )
    parser.add_argument(
        "--capacity-max-users",
        type=int,
        default=0,
        help="also search the paced mix's capacity at p99 < 100 ms, up to this many users (0: skip)",
    )
    parser.add_argument("--capacity-step-seconds", type=float, default=20.0)
    parser.add_argument("--repeat", type=int, default=1, help="rounds over all profiles, interleaved")
    parser.add_argument("--results-dir", help="default: artifacts/bench/<timestamp>")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages * size / 2**30:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{cpu}, {os.cpu_count()} cores{memory}, {system}"


def _scenario_row(
    profile: Profile,
    scenario: str,
    pace: str,
    summary: dict[str, Any],
    sql: SqlBaseline,
    pgbench: PgbenchResult | None = None,
) -> dict[str, Any]:
    stats = {row["name"]: row for row in summary["stats"]}
    booking = [row for name, row in stats.items() if name.startswith(BOOKING_REQUEST_PREFIX)]
    booking_rps = sum(row["rps"] for row in booking)
    total = summary["total"]
    counts = (summary.get("verdict") or {}).get("counts", {})
    month = stats.get(MONTH_LOOKUP)
    duration = float(summary["options"]["durationSeconds"])
    return {
        "profile": profile.name,
        "scenario": scenario,
        "pace": pace,
        "users": summary["options"]["users"],
        "thinkTimeMs": summary["options"]["think_time_ms"],
        "requestsPerSecond": round(float(total["rps"]), 1),
        "bookingRequestsPerSecond": round(booking_rps, 1),
        "acknowledgedPerSecond": round(counts.get("book:ok", 0) / duration, 1),
        "p50Ms": total["median_ms"],
        "p95Ms": total["p95_ms"],
        "p99Ms": total["p99_ms"],
        "bookingP99Ms": max((row["p99_ms"] for row in booking), default=0),
        "httpToSql": round(booking_rps / sql.rate, 3) if sql.rate else 0.0,
        "httpToPgbench": round(booking_rps / pgbench.rate, 3) if pgbench and pgbench.rate else None,
        "month31dP50Ms": month["median_ms"] if month else None,
        "month31dP95Ms": month["p95_ms"] if month else None,
        "passed": summary["passed"],
        "auditOk": bool((summary.get("verdict") or {}).get("ok")),
        "results": summary["files"].get("history", "").rsplit("/", 1)[0],
    }


def pool_connections(profile: Profile) -> int:
    """Connections the service's pools may hold in all: what pgbench gets, to compare like with like."""
    return profile.servers * int(profile.env.get("DB_POOL_MAX_SIZE", DEFAULT_POOL_MAX_SIZE))


def _measure_sql(profile: Profile, args: argparse.Namespace) -> tuple[SqlBaseline, PgbenchResult]:
    """The database's limit, on one fresh stack: the psycopg loop, then pgbench."""
    with local_reference_target(servers=profile.servers, env=profile.stack_env) as target:
        assert target.database_url is not None
        sql = measure_sql_baseline(
            target.database_url, connections=args.sql_connections, seconds=args.sql_seconds
        )
        pgbench = measure_pgbench(
            target.database_url,
            connections=args.pgbench_connections or pool_connections(profile),
            seconds=args.sql_seconds,
        )
        return sql, pgbench


def _mix_capacity(
    profile: Profile, args: argparse.Namespace, out: Path, passthrough: Sequence[str]
) -> dict[str, Any]:
    """The paced mix's capacity at the SLO, searched on a fresh stack of the profile."""
    search = CapacitySearch(
        Slo.parse(CAPACITY_SLO), min(args.users // 4 or 1, args.capacity_max_users), args.capacity_max_users
    )
    step = argparse.Namespace(scenario="mix", step_seconds=args.capacity_step_seconds)
    extra = ["--think-time-ms", str(args.think_time_ms), *passthrough]
    with local_reference_target(servers=profile.servers, env=profile.stack_env) as target:
        while (users := search.next_users()) is not None:
            search.record(measure_step(step, target, users, out, extra))
    meta = {"scenario": "mix", "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "target": "local stack"}
    write_capacity(search, out, {**meta, "stepSeconds": args.capacity_step_seconds})
    best = search.capacity()
    return {
        "profile": profile.name,
        "slo": CAPACITY_SLO,
        "users": best.users if best else None,
        "atLeast": search.ceiling_reached(),
        "requestsPerSecond": round(best.requests_per_s, 1) if best else 0.0,
        "bookingsPerSecond": round(best.bookings_per_s, 1) if best else 0.0,
        "p99Ms": best.p99_ms if best else None,
        "steps": len(search.steps),
        "results": str(out),
    }


def _baseline_row(profile: Profile, result: Measured, **shape: int) -> dict[str, Any]:
    return {
        "profile": profile.name,
        "connections": result.connections,
        **shape,
        "rate": round(result.rate),
        "p50Ms": round(result.percentile(0.50), 1),
        "p95Ms": round(result.percentile(0.95), 1),
        "p99Ms": round(result.percentile(0.99), 1),
    }


def _run_args(scenario: str, args: argparse.Namespace, results: Path) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_run_arguments(parser)
    return parser.parse_args(
        [
            "--scenario",
            scenario,
            "--users",
            str(args.users),
            "--duration",
            args.duration,
            "--spawn-rate",
            str(args.spawn_rate),
            "--results-dir",
            str(results),
        ]
    )


def cmd_bench(args: argparse.Namespace, passthrough: Sequence[str]) -> int:
    stamp = datetime.now(UTC)
    out = Path(args.results_dir or Path("artifacts") / "bench" / stamp.strftime("%Y%m%dT%H%M%SZ"))
    out.mkdir(parents=True, exist_ok=True)
    profiles = [PROFILES[name.strip()] for name in args.profiles.split(",") if name.strip()]
    rows: list[dict[str, Any]] = []
    sql_rows: list[dict[str, Any]] = []
    pgbench_rows: list[dict[str, Any]] = []
    capacity_rows: list[dict[str, Any]] = []
    # Profiles take turns, round after round, so a busy spell on the machine hits them alike.
    for round_no in range(1, args.repeat + 1):
        for profile in profiles:
            sql, pgbench = _measure_sql(profile, args)
            sql_rows.append({"round": round_no, **_baseline_row(profile, sql, processes=sql.processes)})
            pgbench_rows.append(
                {"round": round_no, **_baseline_row(profile, pgbench, threads=pgbench.threads)}
            )
            paces = {"paced": args.think_time_ms, **({"saturated": 0.0} if args.saturated else {})}
            for scenario in ("race", "mix"):
                for pace, think_time_ms in paces.items():
                    results = out / f"{profile.name}-{scenario}-{pace}-{round_no}"
                    extra = ["--think-time-ms", str(think_time_ms), *passthrough]
                    load_before = os.getloadavg()[0]
                    # A fresh stack per run: the mix must not inherit the race's calendar.
                    with local_reference_target(servers=profile.servers, env=profile.stack_env) as target:
                        run_locust(_run_args(scenario, args, results), target, extra)
                    summary = json.loads((results / "summary.json").read_text())
                    row = _scenario_row(profile, scenario, pace, summary, sql, pgbench)
                    rows.append({"round": round_no, "loadAverage": round(load_before, 1), **row})
            if args.capacity_max_users:
                capacity = _mix_capacity(
                    profile, args, out / f"{profile.name}-mix-capacity-{round_no}", passthrough
                )
                capacity_rows.append({"round": round_no, **capacity})
    meta = {
        "date": stamp.strftime("%Y-%m-%d"),
        "machine": machine(),
        "profiles": [{"name": p.name, "description": p.description, "env": p.env} for p in profiles],
    }
    (out / "bench.json").write_text(
        json.dumps(
            {
                **meta,
                "scenarios": rows,
                "sql": sql_rows,
                "pgbench": pgbench_rows,
                "mixCapacity": capacity_rows,
            },
            indent=2,
        )
        + "\n"
    )
    table = bench_markdown(rows, sql_rows, pgbench_rows, meta, capacity_rows)
    (out / "bench.md").write_text(table)
    print(table)
    print(f"benchmark table: {out / 'bench.md'}")
    # Slow is for the table to show; a wrong answer under load fails the benchmark.
    return 0 if all(r["auditOk"] for r in rows) else 1
