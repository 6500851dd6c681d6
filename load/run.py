"""`python -m load run`: resolve the target (or start the local reference stack), run one
scenario headless under Locust, and report. Every option is checked and the target proven
judgeable (harness/preflight.py) before Locust starts. Locust's own `quitting` listener audits
the history, evaluates the gates and prints the verdict; this wrapper passes on its exit code
(harness/exit_codes.py: 0 PASS, 1 FAIL, 2 NO VERDICT).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

from harness.cli_types import (
    MIN_RACE_USERS,
    add_target_arguments,
    duration_text,
    positive_float,
    positive_int,
    process_count,
)
from harness.exit_codes import CannotJudge
from harness.target import harness_target, resolve_target
from load.launch import (
    LOAD_STACK_ENV,
    SCENARIOS,
    announce_local_stack,
    parse_env_pairs,
    report_exit,
    run_locust,
    run_preflight,
)
from load.nemesis.run import add_nemesis_arguments, cmd_run_with_nemesis
from load.wiring.shapes import SHAPES


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Every option is checked here, before a stack or Locust starts."""
    parser.add_argument(
        "--scenario", choices=sorted(SCENARIOS), required=True, help="the scenario to run (required)"
    )
    parser.add_argument(
        "--users", "-u", type=positive_int, default=100, help="concurrent users (a race needs 2 or more)"
    )
    parser.add_argument(
        "--spawn-rate",
        "-r",
        type=positive_float,
        default=None,
        help="users started per second (default: all users in about 2 s)",
    )
    parser.add_argument(
        "--duration",
        "-t",
        type=duration_text,
        default="30s",
        help="how long the load runs, e.g. 30s, 2m, 1h30m",
    )
    parser.add_argument(
        "--shape", choices=sorted(SHAPES), default="steady", help="the load's shape over time"
    )
    parser.add_argument(
        "--processes",
        type=process_count,
        default=0,
        help="Locust worker processes on this machine (0: none, -1: one per CPU core)",
    )
    add_target_arguments(parser)
    parser.add_argument(
        "--results-dir", help="where the reports go (default: artifacts/load/<timestamp>-<scenario>)"
    )
    parser.add_argument("--servers", type=positive_int, default=2, help="local stack: server processes")
    parser.add_argument(
        "--server-workers", type=positive_int, default=1, help="local stack: workers per server"
    )
    parser.add_argument(
        "--stack-without-ses",
        action="store_true",
        help="local stack: no SES stand-in, email sender or monitoring, emails stay queued in the "
        "outbox; for races judged on bookings alone (default: off)",
    )
    parser.add_argument(
        "--stack-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="local stack: server env, repeatable (default: ABUSE_LIMITS=off)",
    )
    add_nemesis_arguments(parser)


def check_run_arguments(args: argparse.Namespace) -> None:
    """What one option alone cannot say; CannotJudge (exit 2) before anything starts."""
    if args.scenario == "race" and args.users < MIN_RACE_USERS:
        raise CannotJudge(
            f"--users {args.users}: a race needs at least {MIN_RACE_USERS} concurrent users; "
            "one user races no one and proves nothing"
        )
    parse_env_pairs(args.stack_env)
    faults = [name.strip() for name in getattr(args, "nemesis", "").split(",")]
    if args.stack_without_ses and "ses-outage" in faults:
        raise CannotJudge("--nemesis ses-outage pauses the local stack's SES: drop --stack-without-ses")


def cmd_run(
    args: argparse.Namespace, passthrough: Sequence[str], env: Mapping[str, str] | None = None
) -> int:
    check_run_arguments(args)
    explicit = resolve_target(base_url=args.base_url, target_file=args.target_file, env=env)
    if explicit is not None and args.stack_without_ses:
        raise CannotJudge(
            f"--stack-without-ses shapes the local stack the harness starts; {explicit.base_url} "
            "sends its own emails: drop --stack-without-ses or the target"
        )
    stack_env = {**LOAD_STACK_ENV, **parse_env_pairs(args.stack_env)}
    if getattr(args, "nemesis", ""):
        return cmd_run_with_nemesis(args, explicit, stack_env, passthrough)
    if explicit is not None:
        run_preflight(explicit, args.scenario)
    else:
        announce_local_stack(args.servers, with_ses=not args.stack_without_ses)
    with harness_target(
        explicit,
        servers=args.servers,
        workers=args.server_workers,
        env=stack_env,
        with_ses=not args.stack_without_ses,
    ) as target:
        if explicit is None:
            print(f"local reference stack up at {target.base_url}", flush=True)
            run_preflight(target, args.scenario)
        code, results = run_locust(args, target, passthrough)
    return report_exit(code, results)
