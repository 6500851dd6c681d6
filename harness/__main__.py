"""`python -m harness race`: the race through the target's adapter (harness/race.py), judged
under the exit-code contract (0 PASS, 1 FAIL, 2 NO VERDICT)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from harness.adapters import adapter_preflight, open_adapter
from harness.cli_types import MIN_RACE_USERS, positive_int
from harness.exit_codes import CannotJudge, run_command
from harness.race import final_state_of, judge, run_race
from harness.race_report import summary, write_reports
from harness.target import Target, harness_target, resolve_target

PROG = "python -m harness race"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m harness", description="Commands that run through adapters.")
    commands = top.add_subparsers(dest="command", required=True)
    race = commands.add_parser(
        "race", help="N clients book one free slot together, round after round; audited"
    )
    race.add_argument(
        "--target-file",
        help="target description JSON, naming its adapter (docs/reference/target-file.md) "
        "(default: HARNESS_* variables, else a local reference stack)",
    )
    race.add_argument(
        "--clients", type=positive_int, default=10, help="racers per round, 2 or more (default: 10)"
    )
    race.add_argument(
        "--rounds", type=positive_int, default=5, help="rounds, one free slot each (default: 5)"
    )
    race.add_argument(
        "--role", help="the service role to race for (default: standard, else the first role named)"
    )
    race.add_argument("--results-dir", help="where the reports go (default: artifacts/race/<timestamp>)")
    return top


def race(args: argparse.Namespace, target: Target) -> int:
    system = open_adapter(target)
    try:
        print(adapter_preflight(system), flush=True)
        rounds = run_race(system, clients=args.clients, rounds=args.rounds, role=args.role)
        verdict = judge(rounds, final_state_of(system, rounds))
    finally:
        system.close()
    folder = Path(args.results_dir or f"artifacts/race/{datetime.now(UTC):%Y%m%dT%H%M%SZ}")
    write_reports(folder, summary(system.name, rounds, verdict))
    for found in verdict.overbooked:
        print(f"OVER-BOOKED {found.line()}", flush=True)
    for booking_id in verdict.missing:
        print(f"MISSING acknowledged booking {booking_id} is not in the final state", flush=True)
    print(f"RACE VERDICT: {verdict.word}: {verdict.headline} (reports in {folder})", flush=True)
    return verdict.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)

    def body() -> int:
        if args.clients < MIN_RACE_USERS:
            raise CannotJudge(f"--clients {args.clients}: a race needs at least {MIN_RACE_USERS} clients")
        explicit = resolve_target(target_file=args.target_file)
        if explicit is None:
            print(
                "no target given: starting the local reference stack (PostgreSQL, 2 servers)...", flush=True
            )
        with harness_target(explicit) as target:
            return race(args, target)

    return run_command(PROG, body)


if __name__ == "__main__":
    sys.exit(main())
