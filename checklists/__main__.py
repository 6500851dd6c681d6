"""`python -m checklists run`: the pre-production checklist against a target (or, with none, a
local reference stack it starts and stops), ending in a go / no-go report. `python -m
checklists watch`: after launch, the seed's success metrics and a canary (checklists/watch/)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from checklists.attestations import AttestationFileError, load_sign_offs
from checklists.checks import CHECKS
from checklists.definition import DEFAULT_CHECKLIST, ChecklistError, load_checklist
from checklists.progress import LiveProgress, summary_table
from checklists.reporters import write_reports
from checklists.runner import RunOptions, run_checklist
from checklists.verdict import EXIT_HARNESS_ERROR
from checklists.watch.cli import add_watch_parser, cmd_watch
from harness.cli_types import (
    MIN_RACE_USERS,
    DefaultsHelpFormatter,
    add_target_arguments,
    duration_text,
    positive_int,
    process_count,
)
from harness.exit_codes import CannotJudge, first_line, run_command
from harness.preflight import Needs, preflight
from harness.target import Target, harness_target, resolve_target

# Logs and CI have no terminal width to go by: wide enough for the findings to stay legible.
LOG_WIDTH = 160


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m checklists", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="run the checklist and write the readiness report",
        description="Run the pre-production checklist against a target and write the readiness "
        "report. Exit codes: docs/reference/exit-codes.md (2: the harness could not judge).",
        formatter_class=DefaultsHelpFormatter,
    )
    add_target_arguments(run)
    run.add_argument(
        "--checklist",
        type=Path,
        default=DEFAULT_CHECKLIST,
        help="checklist TOML (default: checklists/preproduction.toml)",
    )
    run.add_argument(
        "--env-file",
        type=Path,
        help="the front end's env file the target uses (default: none; the env-file item skips)",
    )
    run.add_argument(
        "--attestations",
        type=Path,
        help="sign-offs and waivers, TOML or YAML (default: none; sign-off items await sign-off)",
    )
    run.add_argument("--only", default="", help="comma-separated section names (default: every section)")
    run.add_argument(
        "--report-dir", type=Path, help="where the reports go (default: artifacts/checklists/<timestamp>)"
    )
    run.add_argument(
        "--gate", action="store_true", help="exit 0 only when READY, for a launch pipeline (default: off)"
    )
    run.add_argument("--expect-version", help="the version /health must report (default: this commit)")
    run.add_argument(
        "--expect-public-url",
        help="the app's real public URL, e.g. https://book.example.com (default: not compared; "
        "a non-local target's check then fails)",
    )
    run.add_argument(
        "--browsers",
        default="chromium,firefox,webkit",
        help="engines the E2E suites are run on (when installed)",
    )
    run.add_argument(
        "--race-users", type=race_users, default=30, help="users of the short Locust race (2 or more)"
    )
    run.add_argument(
        "--race-duration", type=duration_text, default="15s", help="length of the short Locust race"
    )
    run.add_argument(
        "--race-processes",
        type=process_count,
        default=0,
        help="Locust worker processes of the short race (0: none, -1: one per CPU core)",
    )
    add_watch_parser(sub)
    return parser


def race_users(text: str) -> int:
    users = positive_int(text)
    if users < MIN_RACE_USERS:
        raise argparse.ArgumentTypeError(f"a race needs at least {MIN_RACE_USERS} users, got {users}")
    return users


def check_before_start(options: RunOptions, console: Console) -> None:
    """The checklist, --only and the sign-offs file, read before any stack starts: a typo
    costs seconds, not a stack's start-up. Raises ChecklistError / AttestationFileError."""
    checklist = load_checklist(options.checklist, CHECKS.keys())
    sign_offs = load_sign_offs(
        options.attestations,
        attested_ids={i.id for i in checklist.items if i.attested},
        automated_ids={i.id for i in checklist.items if not i.attested},
        today=options.today,
    )
    if options.only:
        checklist.only(options.only)
    for entry in sign_offs.refused:
        console.print(
            f"[yellow]checklist: {escape(f'{entry.kind} {entry.item_id!r} {entry.problem}')}[/]",
            soft_wrap=True,
        )


@contextlib.contextmanager
def _target(args: argparse.Namespace, console: Console) -> Iterator[Target]:
    """The target, proven judgeable by the preflight (PreflightError otherwise)."""
    explicit = resolve_target(base_url=args.base_url, target_file=args.target_file)
    if explicit is None:
        console.print("no target given: starting the local reference stack (PostgreSQL, moto, 2 servers)...")
    else:
        console.print(preflight(explicit, Needs(through_adapter=True)).line(), soft_wrap=True)
    with harness_target(explicit, servers=2) as target:
        if explicit is None:
            console.print(f"local reference stack up at {target.base_url}")
            console.print(preflight(target).line(), soft_wrap=True)
        yield target


def cmd_run(args: argparse.Namespace) -> int:
    console = Console(stderr=True, width=None if sys.stderr.isatty() else LOG_WIDTH)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    options = RunOptions(
        report_dir=args.report_dir or Path("artifacts") / "checklists" / stamp,
        checklist=args.checklist,
        attestations=args.attestations,
        env_file=args.env_file,
        only=[s for s in args.only.split(",") if s.strip()],
        expect_version=args.expect_version,
        expect_public_url=args.expect_public_url,
        browsers=tuple(b.strip() for b in args.browsers.split(",") if b.strip()),
        race_users=args.race_users,
        race_duration=args.race_duration,
        race_processes=args.race_processes,
    )
    try:
        check_before_start(options, console)
        with _target(args, console) as target, LiveProgress(console) as progress:
            report = run_checklist(target, options, progress)
    except (ChecklistError, AttestationFileError, CannotJudge) as exc:
        console.print(f"[bold red]checklist: {escape(str(exc))}[/]", soft_wrap=True)
        return EXIT_HARNESS_ERROR
    except Exception as exc:  # the harness itself broke (e.g. the local stack did not start): not a verdict
        console.print(
            f"[bold red]checklist: harness error, no verdict: {type(exc).__name__}: "
            f"{escape(first_line(exc))} (a fault in the harness, not in the target; traceback follows)[/]",
            soft_wrap=True,
        )
        console.print_exception()
        return EXIT_HARNESS_ERROR
    files = write_reports(report)
    Console(width=None if sys.stdout.isatty() else LOG_WIDTH).print(summary_table(report))
    print("\n" + "\n".join(report.verdict.lines()))
    print("reports: " + ", ".join(str(path) for path in files.values()))
    return report.verdict.exit_code(gate=args.gate)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Under the shared contract (harness/exit_codes.py): a fault after the verdict (writing the
    # reports) is a harness error, exit 2, never a Python traceback's exit 1.
    if args.command == "watch":
        return run_command("watch", lambda: cmd_watch(args))
    return run_command("checklist", lambda: cmd_run(args))


if __name__ == "__main__":
    sys.exit(main())
