"""The Locust process of one run: its command line (the scenario's locustfile, the shape, the
results folder, a master port of its own for distributed runs), started headless and waited
for, then the verdict it wrote read back. Shared by `python -m load run`, the nemesis run and
the benchmark.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from harness.adapters import open_adapter
from harness.exit_codes import NOT_JUDGED, PASSED, TARGET_FAILED, CannotJudge
from harness.preflight import Needs, preflight
from harness.target import Target
from load.through_adapter import check_applicable, has_reference_client

# Scenario name -> the module of its locustfile (Locust is given the file's path).
SCENARIOS = {"race": "load.scenarios.race", "mix": "load.scenarios.mix"}
# What each scenario needs of the target, proven by the preflight before Locust starts.
BOOKABLE_ROLES = ("standard", "consultation", "workshop", "callout")
SCENARIO_NEEDS = {
    # The race goes through any adapter (load/through_adapter.py); the mix through the
    # reference's Locust client only.
    "race": Needs(any_role_of=BOOKABLE_ROLES, audit=True, through_adapter=True),
    "mix": Needs(any_role_of=BOOKABLE_ROLES, audit=True),
}

# Every Locust user comes from 127.0.0.1: the service's per-address abuse limits would refuse
# the run itself, so local stacks started for load run without them (--stack-env can turn them on).
LOAD_STACK_ENV = {"ABUSE_LIMITS": "off"}


def locustfile_of(scenario: str) -> Path:
    spec = importlib.util.find_spec(SCENARIOS[scenario])
    if spec is None or spec.origin is None:
        raise SystemExit(f"load: the {scenario} scenario's locustfile is missing")
    return Path(spec.origin)


def results_dir_for(scenario: str, given: str | None) -> Path:
    if given:
        return Path(given)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path("artifacts") / "load" / f"{stamp}-{scenario}"


def locust_command(
    args: argparse.Namespace, target_file: Path, results: Path, local: bool, passthrough: Sequence[str]
) -> list[str]:
    locustfile = locustfile_of(args.scenario)
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
        # (Imported here: the local stack's module pulls in the whole service and boto3, which
        # `load run --help` and a refused option should not wait for.)
        from reference_app.local.stack import free_port

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
    """NotApplicable (one line, exit 2) when the scenario cannot run through the target's
    adapter; else the preflight of the target's adapter."""
    if not has_reference_client(target):
        system = open_adapter(target)
        try:
            check_applicable(system, scenario)
        finally:
            system.close()
    print(f"preflight: checking {target.base_url} ...", flush=True)
    print(preflight(target, SCENARIO_NEEDS[scenario]).line(), flush=True)


def announce_local_stack(servers: int, *, with_ses: bool = True) -> None:
    parts = (
        f"PostgreSQL, moto, {servers} server(s)" if with_ses else f"PostgreSQL, {servers} server(s), no SES"
    )
    print(f"no target given: starting the local reference stack ({parts})...", flush=True)
