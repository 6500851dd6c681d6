"""`python -m checklists run`: the pre-production checklist against a target (or, with none, a
local reference stack it starts and stops), ending in a go / no-go report."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from checklists.attestations import AttestationFileError
from checklists.definition import DEFAULT_CHECKLIST, ChecklistError
from checklists.progress import LiveProgress, summary_table
from checklists.reporters import write_reports
from checklists.runner import RunOptions, run_checklist
from checklists.verdict import EXIT_HARNESS_ERROR
from harness.target import Target, TargetError, harness_target, resolve_target

# Logs and CI have no terminal width to go by: wide enough for the findings to stay legible.
LOG_WIDTH = 160


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m checklists", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the checklist and write the readiness report")
    where = run.add_mutually_exclusive_group()
    where.add_argument("--target-file", help="target description JSON (harness/target.py)")
    where.add_argument("--base-url", help="target base URL (other fields from HARNESS_* variables)")
    run.add_argument("--checklist", type=Path, default=DEFAULT_CHECKLIST, help="checklist TOML")
    run.add_argument("--env-file", type=Path, help="the front end's env file the target uses")
    run.add_argument("--attestations", type=Path, help="sign-offs and waivers (TOML or YAML)")
    run.add_argument("--only", default="", help="comma-separated section names")
    run.add_argument("--report-dir", type=Path, help="default: artifacts/checklists/<timestamp>")
    run.add_argument("--gate", action="store_true", help="exit 0 only when READY (for a launch pipeline)")
    run.add_argument("--expect-version", help="the version /health must report (default: this commit)")
    run.add_argument("--expect-public-url", help="the app's real public URL, e.g. https://book.example.com")
    run.add_argument(
        "--browsers",
        default="chromium,firefox,webkit",
        help="engines the E2E suites are run on (when installed)",
    )
    run.add_argument("--race-users", type=int, default=30, help="users of the short Locust race")
    run.add_argument("--race-duration", default="15s", help="length of the short Locust race")
    return parser


@contextlib.contextmanager
def _target(args: argparse.Namespace, console: Console) -> Iterator[Target]:
    explicit = resolve_target(base_url=args.base_url, target_file=args.target_file)
    if explicit is None:
        console.print("no target given: starting the local reference stack (PostgreSQL, moto, 2 servers)")
    with harness_target(explicit, servers=2) as target:
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
    )
    try:
        with _target(args, console) as target, LiveProgress(console) as progress:
            report = run_checklist(target, options, progress)
    except (ChecklistError, AttestationFileError, TargetError) as exc:
        console.print(f"[bold red]checklist: {exc}[/]", soft_wrap=True)
        return EXIT_HARNESS_ERROR
    except Exception:  # the harness itself broke (e.g. the local stack did not start): not a verdict
        console.print_exception()
        console.print("[bold red]checklist: harness error, no verdict[/]")
        return EXIT_HARNESS_ERROR
    files = write_reports(report)
    Console(width=None if sys.stdout.isatty() else LOG_WIDTH).print(summary_table(report))
    print("\n" + "\n".join(report.verdict.lines()))
    print("reports: " + ", ".join(str(path) for path in files.values()))
    return report.verdict.exit_code(gate=args.gate)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(cmd_run(args))


if __name__ == "__main__":
    sys.exit(main())
