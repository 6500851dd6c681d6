"""`python -m load run --nemesis kill-worker,restart-db,ses-outage,drop-connections`: the
scenario runs as usual against a local stack the harness starts, while the nemesis injects
faults into it; the audit then judges the history (faults included) against the final state,
and the nemesis's own checks (recovery, emails after the outage) join the verdict.

Only a local stack: faults are never injected into a target someone else runs. A run with
`restart-db` starts its own PostgreSQL cluster (owned_postgres.py), whatever DATABASE_URL says.
Under faults, failed and slow requests are expected: the failure-ratio and latency gates are
off unless given after `--`; the audit, history and booking gates stay.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from harness import durations
from harness.target import Target
from load.launch import report_exit, results_dir_for, run_locust
from load.nemesis.faults import FAULTS, NemesisRefused, NemesisStack, check_allowed
from load.nemesis.owned_postgres import OwnedPostgresUnavailable, owned_postgres
from load.nemesis.schedule import NemesisSchedule
from load.nemesis.verdict import judge_nemesis, write_nemesis_report

# Faults make requests fail and wait by design; what must hold is the audit.
RELAXED_GATES = ("--gate-failure-ratio", "1.0", "--gate-p95-ms", "60000")


def add_nemesis_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--nemesis",
        default="",
        help=f"faults to inject during the run, comma-separated: {', '.join(FAULTS)} (local stack only; "
        "default: none)",
    )
    parser.add_argument("--nemesis-interval", default="5s", help="time between faults, e.g. 5s")


def parse_seconds(text: str, option: str) -> float:
    try:
        return durations.parse_seconds(text)
    except ValueError as exc:
        raise NemesisRefused(f"{option} {exc}") from None


def parse_faults(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in FAULTS]
    if not names or unknown:
        raise NemesisRefused(f"--nemesis names {unknown or 'nothing'}; choose from {', '.join(FAULTS)}")
    return names


def cmd_run_with_nemesis(
    args: argparse.Namespace, explicit: Target | None, stack_env: dict[str, str], passthrough: Sequence[str]
) -> int:
    from load.launch import announce_local_stack, run_preflight
    from reference_app.local.stack import local_stack

    try:
        if explicit is not None:
            raise NemesisRefused(
                "--nemesis injects faults only into a local stack the harness starts, never into "
                f"a target someone else runs ({explicit.base_url}); drop --target-file/--base-url"
            )
        faults = parse_faults(args.nemesis)
        interval = parse_seconds(args.nemesis_interval, "--nemesis-interval")
        run_seconds = parse_seconds(args.duration, "--duration")
        if interval <= 0:
            raise NemesisRefused("--nemesis-interval must be above zero")
    except NemesisRefused as exc:
        print(f"load: {exc}", file=sys.stderr)
        return 2
    results = results_dir_for(args.scenario, args.results_dir)
    results.mkdir(parents=True, exist_ok=True)
    args.results_dir = str(results)
    log_dir = Path(os.environ.get("STACK_LOG_DIR", "artifacts/logs"))
    announce_local_stack(args.servers, with_ses=not args.stack_without_ses)
    with contextlib.ExitStack() as stack:
        try:
            owned = stack.enter_context(owned_postgres()) if "restart-db" in faults else None
        except OwnedPostgresUnavailable as exc:
            print(f"load: {exc}", file=sys.stderr)
            return 2
        info = stack.enter_context(
            local_stack(
                servers=args.servers,
                workers=args.server_workers,
                env=stack_env,
                log_dir=log_dir,
                postgres_url=owned.url if owned else None,
                with_ses=not args.stack_without_ses,
            )
        )
        # Restarted servers log beside the stack's own logs.
        nemesis_stack = NemesisStack(info, owned, args.server_workers, info.log_dir or log_dir)
        try:
            check_allowed(faults, nemesis_stack)
        except NemesisRefused as exc:
            print(f"load: {exc}", file=sys.stderr)
            return 2
        target = Target.from_json(info.target_json(), local=True)
        run_preflight(target, args.scenario)
        log_path = results / "nemesis-operations.jsonl"
        schedule = NemesisSchedule(
            nemesis_stack, faults, interval_s=interval, run_seconds=run_seconds, log_path=log_path
        )
        extra = [*RELAXED_GATES, "--nemesis-log", str(log_path), *passthrough]
        schedule.start()
        try:
            code, results = run_locust(args, target, extra)
        finally:
            schedule.stop()
            schedule.join()
        checks = judge_nemesis(schedule, faults, info)
        lines = write_nemesis_report(results, schedule, checks, faults)
    code = report_exit(code, results)
    for line in lines:
        print(line)
    nemesis_ok = all(c.ok for c in checks)
    return code if code else (0 if nemesis_ok else 1)
