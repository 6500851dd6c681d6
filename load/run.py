"""`python -m load run`: resolve the target (or start the local reference stack), run one
scenario headless under Locust, and report. Locust's own `quitting` listener audits the
history and evaluates the gates; this wrapper prints the verdict again and passes on the exit
code, so any gate breach makes the command fail.
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

from harness.target import Target, harness_target, resolve_target
from reference_app.local.stack import free_port

SCENARIOS = {"race": "race.py", "mix": "mix.py"}
EXIT_NO_SUMMARY = 3

# Every Locust user comes from 127.0.0.1: the service's per-address abuse limits would refuse
# the run itself, so local stacks started for load run without them (--stack-env can turn them on).
LOAD_STACK_ENV = {"ABUSE_LIMITS": "off"}


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
    from load.nemesis.run import add_nemesis_arguments

    add_nemesis_arguments(parser)


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
            raise SystemExit(f"--stack-env expects NAME=VALUE, got {pair!r}")
        env[name] = value
    return env


def run_locust(args: argparse.Namespace, target: Target, passthrough: Sequence[str]) -> tuple[int, Path]:
    results = results_dir_for(args.scenario, args.results_dir)
    results.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="load-target-") as scratch:
        target_file = Path(scratch) / "target.json"  # holds credentials: kept out of the results
        target_file.write_text(json.dumps(target.to_json()))
        command = locust_command(args, target_file, results, target.local, passthrough)
        print("running:", " ".join(command), flush=True)
        code = subprocess.call(command, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    return code, results


def report_exit(code: int, results: Path) -> int:
    verdict = results / "verdict.txt"
    if not verdict.exists():
        print(f"load: no verdict was written to {results} (Locust exit code {code})", file=sys.stderr)
        return code or EXIT_NO_SUMMARY
    print()
    print(verdict.read_text(), end="")
    print(f"reports: {results}/summary.md, summary.json, locust.html, locust_stats.csv, history.jsonl")
    return code


def cmd_run(
    args: argparse.Namespace, passthrough: Sequence[str], env: Mapping[str, str] | None = None
) -> int:
    explicit = resolve_target(base_url=args.base_url, target_file=args.target_file, env=env)
    stack_env = {**LOAD_STACK_ENV, **parse_env_pairs(args.stack_env)}
    if getattr(args, "nemesis", ""):
        from load.nemesis.run import cmd_run_with_nemesis

        return cmd_run_with_nemesis(args, explicit, stack_env, passthrough)
    with harness_target(explicit, servers=args.servers, workers=args.server_workers, env=stack_env) as target:
        code, results = run_locust(args, target, passthrough)
    return report_exit(code, results)
