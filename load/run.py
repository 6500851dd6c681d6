"""`python -m load run`: resolve the target (or start the local reference stack), run one
scenario headless under Locust, and report. Every option is checked and the target proven
judgeable (harness/preflight.py) before Locust starts. Locust's own `quitting` listener audits
the history, evaluates the gates and prints the verdict; this wrapper passes on its exit code
(harness/exit_codes.py: 0 PASS, 1 FAIL, 2 NO VERDICT).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from harness.cli_types import MIN_RACE_USERS, duration_text, positive_float, positive_int
from harness.exit_codes import NOT_JUDGED, PASSED, TARGET_FAILED, CannotJudge
from harness.preflight import Needs, preflight
from harness.target import Target, harness_target, resolve_target
from load.shapes import SHAPES
from reference_app.local_stack import free_port

SCENARIOS = {"race": "race.py", "mix": "mix.py"}
# What each scenario needs of the target, proven by the preflight before Locust starts.
BOOKABLE_ROLES = ("standard", "consultation", "workshop", "callout")
SCENARIO_NEEDS = {
    "race": Needs(any_role_of=BOOKABLE_ROLES, audit=True),
    "mix": Needs(any_role_of=BOOKABLE_ROLES, audit=True),
}

# Every Locust user comes from 127.0.0.1: the service's per-address abuse limits would refuse
# the run itself, so local stacks started for load run without them (--stack-env can turn them on).
LOAD_STACK_ENV = {"ABUSE_LIMITS": "off"}


def process_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a whole number, got {text!r}") from None
    if value < -1:
        raise argparse.ArgumentTypeError(f"must be 0 (none), a count, or -1 (one per CPU core), got {value}")
    return value


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
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--target-file",
        help="target description JSON (docs/reference/target-file.md) (default: HARNESS_* variables, "
        "else a local reference stack)",
    )
    where.add_argument(
        "--base-url",
        help="target base URL; other target fields from HARNESS_* variables (default: as --target-file)",
    )
    parser.add_argument(
        "--results-dir", help="where the reports go (default: artifacts/load/<timestamp>-<scenario>)"
    )
    parser.add_argument("--servers", type=positive_int, default=2, help="local stack: server processes")
    parser.add_argument(
        "--server-workers", type=positive_int, default=1, help="local stack: workers per server"
    )
    parser.add_argument(
        "--stack-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="local stack: server env, repeatable (default: ABUSE_LIMITS=off)",
    )
    from load.nemesis.run import add_nemesis_arguments

    add_nemesis_arguments(parser)


def check_run_arguments(args: argparse.Namespace) -> None:
    """What one option alone cannot say; CannotJudge (exit 2) before anything starts."""
    if args.scenario == "race" and args.users < MIN_RACE_USERS:
        raise CannotJudge(
            f"--users {args.users}: a race needs at least {MIN_RACE_USERS} concurrent users; "
            "one user races no one and proves nothing"
        )
    parse_env_pairs(args.stack_env)


def results_dir_for(scenario: str, given: str | None) -> Path:
    if given:
        return Path(given)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path("artifacts") / "load" / f"{stamp}-{scenario}"


def locust_command(
    args: argparse.Namespace, target_file: Path, results: Path, local: bool, passthrough: Sequence[str]
) -> list[str]:
    locustfile = Path(__file__).with_name(SCENARIOS[args.scenario])
    spawn_rate = args.spawn_rate if args.spawn_rate is not None else max(1.0, args.users / 2)
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(locustfile),
        "--headless",
        "--only-summary",
        "-u",
        str(args.users),
        "-r",
        str(spawn_rate),
        "-t",
        args.duration,
        "--shape",
        args.shape,
        "--stop-timeout",
        "5",
        "--target-file",
        str(target_file),
        "--results-dir",
        str(results),
        "--html",
        str(results / "locust.html"),
        "--csv",
        str(results / "locust"),
    ]
    if args.processes:
        # Master and workers talk over a free port of their own: Locust's default (5557) is
        # shared by every run on the machine, and a second run's master could not bind it.
        port = str(free_port(""))
        command += ["--processes", str(args.processes), "--master-bind-port", port, "--master-port", port]
    if local:
        command.append("--target-local")
    return command + list(passthrough)


def parse_env_pairs(pairs: Sequence[str]) -> dict[str, str]:
    env = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise CannotJudge(f"--stack-env expects NAME=VALUE, got {pair!r}")
        env[name] = value
    return env


def run_locust(args: argparse.Namespace, target: Target, passthrough: Sequence[str]) -> tuple[int, Path]:
    results = results_dir_for(args.scenario, args.results_dir)
    results.mkdir(parents=True, exist_ok=True)
    # A verdict left by an earlier run in the same folder must not stand for this one.
    (results / "verdict.txt").unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="load-target-") as scratch:
        target_file = Path(scratch) / "target.json"  # holds credentials: kept out of the results
        target_file.write_text(json.dumps(target.to_json()))
        command = locust_command(args, target_file, results, target.local, passthrough)
        print("running:", " ".join(command), flush=True)
        code = subprocess.call(command, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    return code, results


def report_exit(code: int, results: Path) -> int:
    """The run's exit code under the contract; the verdict itself was printed once, by Locust's
    process as it judged the run."""
    if not (results / "verdict.txt").exists():
        print(
            f"load: no verdict: the run ended before it was judged (Locust exit code {code}); "
            f"see the output above and {results}",
            file=sys.stderr,
        )
        return NOT_JUDGED
    print(f"reports: {results}/summary.md, summary.json, locust.html, locust_stats.csv, history.jsonl")
    return code if code in (PASSED, TARGET_FAILED, NOT_JUDGED) else NOT_JUDGED


def run_preflight(target: Target, scenario: str) -> None:
    print(f"preflight: checking {target.base_url} ...", flush=True)
    print(preflight(target, SCENARIO_NEEDS[scenario]).line(), flush=True)


def announce_local_stack(servers: int) -> None:
    print(
        f"no target given: starting the local reference stack (PostgreSQL, moto, {servers} server(s))...",
        flush=True,
    )


def cmd_run(
    args: argparse.Namespace, passthrough: Sequence[str], env: Mapping[str, str] | None = None
) -> int:
    check_run_arguments(args)
    explicit = resolve_target(base_url=args.base_url, target_file=args.target_file, env=env)
    stack_env = {**LOAD_STACK_ENV, **parse_env_pairs(args.stack_env)}
    if getattr(args, "nemesis", ""):
        from load.nemesis.run import cmd_run_with_nemesis

        return cmd_run_with_nemesis(args, explicit, stack_env, passthrough)
    if explicit is not None:
        run_preflight(explicit, args.scenario)
    else:
        announce_local_stack(args.servers)
    with harness_target(explicit, servers=args.servers, workers=args.server_workers, env=stack_env) as target:
        if explicit is None:
            print(f"local reference stack up at {target.base_url}", flush=True)
            run_preflight(target, args.scenario)
        code, results = run_locust(args, target, passthrough)
    return report_exit(code, results)
