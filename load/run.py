"""`python -m load run`: resolve the target (or start the local reference stack), run one
scenario headless under Locust, and report. Locust's own `quitting` listener audits the
history and evaluates the gates; this wrapper prints the verdict again and passes on the exit
code, so any gate breach makes the command fail.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

from harness.target import harness_target, resolve_target
from load.launch import LOAD_STACK_ENV, SCENARIOS, parse_env_pairs, report_exit, run_locust
from load.nemesis.run import add_nemesis_arguments, cmd_run_with_nemesis


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), required=True)
    parser.add_argument("--users", "-u", type=int, default=100)
    parser.add_argument("--spawn-rate", "-r", type=float, default=None, help="default: all users in ~2 s")
    parser.add_argument("--duration", "-t", default="30s", help="Locust run time, e.g. 30s, 2m")
    parser.add_argument("--shape", default="steady", help="steady, ramp, spike, soak")
    parser.add_argument("--processes", type=int, default=0, help="Locust worker processes on this machine")
    parser.add_argument(
        "--target-file", help="target description JSON; else HARNESS_* env; else a local stack"
    )
    parser.add_argument("--base-url", help="target base URL (other target fields from the environment)")
    parser.add_argument("--results-dir", help="default: artifacts/load/<timestamp>-<scenario>")
    parser.add_argument("--servers", type=int, default=2, help="local stack: server processes")
    parser.add_argument("--server-workers", type=int, default=1, help="local stack: workers per server")
    parser.add_argument(
        "--stack-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="local stack: server env (repeatable)",
    )
    add_nemesis_arguments(parser)


def cmd_run(
    args: argparse.Namespace, passthrough: Sequence[str], env: Mapping[str, str] | None = None
) -> int:
    explicit = resolve_target(base_url=args.base_url, target_file=args.target_file, env=env)
    stack_env = {**LOAD_STACK_ENV, **parse_env_pairs(args.stack_env)}
    if getattr(args, "nemesis", ""):
        return cmd_run_with_nemesis(args, explicit, stack_env, passthrough)
    with harness_target(explicit, servers=args.servers, workers=args.server_workers, env=stack_env) as target:
        code, results = run_locust(args, target, passthrough)
    return report_exit(code, results)
