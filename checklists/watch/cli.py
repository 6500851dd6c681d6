"""`python -m checklists watch`: after launch, the seed's success metrics over a period, and the
canary. Against a target (or, with none, a local reference stack it starts and stops)."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from checklists.watch import business, integrity
from checklists.watch.api_figures import api_metrics
from checklists.watch.canary import DEFAULT_EMAIL, Canary, Round, run_canary
from checklists.watch.model import Metric, Verdict, cannot_judge
from checklists.watch.period import Period, PeriodError, parse_instant, parse_span
from checklists.watch.plots import watch_plots
from checklists.watch.records import read_records
from checklists.watch.render import write_watch_reports
from checklists.watch.report import WatchReport
from checklists.watch.scrapes import ScrapeStore, scrape, window
from harness.adapters.reference_preflight import check_database, check_health
from harness.cli_types import DefaultsHelpFormatter, add_target_arguments
from harness.exit_codes import CannotJudge
from harness.preflight import Needs, preflight
from harness.target import Target, harness_target, resolve_target

LOG_WIDTH = 160
# A period ending this close to now ends now: the watch scrapes the service itself.
NOW_SLACK = timedelta(minutes=1)
DB_METRICS = (
    ("bookings", "Bookings made, by service and day", None),
    ("conversion", "Booking conversion (pages opened vs bookings made)", None),
    ("double-booking", "Double-booking incidents", "0"),
    ("email-delivery", "Email delivery rate", "> 95 %"),
    ("confirmation-time", "Staff confirmation response time (pending to confirmed or declined)", None),
    ("no-show", "No-show rate", None),
)


def span(text: str) -> timedelta:
    try:
        return parse_span(text)
    except PeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_watch_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    watch = sub.add_parser(
        "watch",
        help="after launch: the seed's success metrics over a period, and a canary",
        description="The seed's success metrics over a period (bookings, conversion, double-bookings, "
        "email delivery, API errors and response times, staff confirmation time, no-shows), and a "
        "canary that books like a client. docs/watch.md; exit codes: docs/reference/exit-codes.md.",
        formatter_class=DefaultsHelpFormatter,
    )
    add_target_arguments(watch)
    when = watch.add_mutually_exclusive_group()
    when.add_argument(
        "--since", type=span, help="the period: this long up to now, e.g. 7d, 36h (default: 7d)"
    )
    when.add_argument("--from", dest="start", help="the period's first day (2026-05-01) or instant")
    watch.add_argument("--until", help="with --from: the period's last day or instant (default: now)")
    watch.add_argument(
        "--report-dir", type=Path, help="where the reports go (default: artifacts/watch/<timestamp>)"
    )
    watch.add_argument(
        "--state-dir",
        type=Path,
        default=Path("artifacts/watch/state"),
        help="where the metric scrapes are kept",
    )
    watch.add_argument(
        "--gate", action="store_true", help="exit 1 when a seed target breaks, 2 when one cannot be judged"
    )
    watch.add_argument("--canary-every", type=span, help="run the canary, one round this often (e.g. 5m)")
    watch.add_argument(
        "--canary-rounds", type=int, help="stop after this many rounds (default: run until stopped)"
    )
    watch.add_argument(
        "--canary-only", action="store_true", help="the canary alone, no metrics (default: off)"
    )
    watch.add_argument(
        "--canary-email", default=DEFAULT_EMAIL, help="the canary client's address (+round tag)"
    )
    watch.add_argument(
        "--canary-mail-timeout", type=span, default=timedelta(seconds=60), help="how long the email may take"
    )


def period_of(args: argparse.Namespace, now: datetime) -> Period:
    try:
        if args.start:
            until = parse_instant(args.until, end=True) if args.until else now
            return Period(parse_instant(args.start), min(until, now))
        if args.until:
            raise PeriodError("--until goes with --from")
        return Period.last(args.since or timedelta(days=7), now)
    except PeriodError as exc:
        raise CannotJudge(str(exc)) from None


@contextlib.contextmanager
def watched(args: argparse.Namespace, console: Console, canary: bool) -> Iterator[Target]:
    explicit = resolve_target(base_url=args.base_url, target_file=args.target_file)
    if explicit is None:
        console.print("no target given: starting the local reference stack (PostgreSQL, moto, 2 servers)...")
    with harness_target(explicit, servers=2) as target:
        if target.adapter != "reference":
            raise CannotJudge(
                f"the target names the adapter {target.adapter!r}: the watch reads the reference service's "
                "database and /metrics (docs/watch.md says what another system must supply)"
            )
        if canary:  # the canary signs in and books: the full preflight
            console.print(preflight(target, Needs(admin=True)).line(), soft_wrap=True)
        else:  # health and the database only: the watch's own requests stay out of the API's figures
            with httpx.Client(timeout=10) as http:
                for url in dict.fromkeys((target.base_url, *target.urls)):
                    check_health(http, url, 10.0)
            if target.database_url:
                check_database(target.database_url, 10.0)
            servers = len(dict.fromkeys((target.base_url, *target.urls)))
            database = "its database" if target.database_url else "no database (its metrics cannot be judged)"
            console.print(f"watching {target.base_url}: {servers} server(s), {database}", soft_wrap=True)
        yield target


def database_metrics(target: Target, period: Period, now: datetime) -> list[Metric]:
    if not target.database_url:
        why = "the target names no databaseUrl: these metrics read the reference's database (docs/watch.md)"
        return [
            cannot_judge(key, title, goal, "the target's database", why) for key, title, goal in DB_METRICS
        ]
    records = read_records(
        target.database_url, period, sorted(target.services.values()), canary_service=target.canary_service
    )
    return [
        business.bookings_made(records),
        business.conversion(records),
        integrity.double_bookings(records),
        integrity.email_delivery(records),
        business.confirmation_time(records, now),
        business.no_show_rate(records, now),
    ]


def service_metrics(target: Target, period: Period, now: datetime, state_dir: Path) -> list[Metric]:
    store = ScrapeStore(state_dir, target)
    stored = store.load()
    reads = "the service's Prometheus figures"
    try:
        if period.until >= now - NOW_SLACK:
            end = scrape(target, now)
            store.add(end)
        else:
            ended = [s for s in stored if s.at <= period.until]
            if not ended:
                raise CannotJudge(
                    f"no scrape of the service was kept from before {period.until:%Y-%m-%d %H:%M}"
                )
            end = ended[-1]
    except CannotJudge as exc:
        return [
            cannot_judge("api-errors", "API error rate (5xx)", "< 1 %", reads, str(exc)),
            cannot_judge("response-time", "API response time", "average < 500 ms", reads, str(exc)),
        ]
    return api_metrics(window(stored, period.since, end))


def summary(report: WatchReport) -> Table:
    table = Table(title="After launch: the seed's success metrics")
    for column in ("metric", "seed target", "value", "verdict"):
        table.add_column(column)
    colours = {
        Verdict.MET: "green",
        Verdict.BREACHED: "red",
        Verdict.CANNOT_JUDGE: "cyan",
        Verdict.NO_TARGET: "",
    }
    for m in report.all_metrics:
        colour = colours[m.verdict]
        verdict = f"[{colour}]{m.verdict.value}[/]" if colour else m.verdict.value
        table.add_row(escape(m.title), escape(m.target or "-"), escape(m.shown), verdict)
    return table


def cmd_watch(args: argparse.Namespace) -> int:
    console = Console(stderr=True, width=None if sys.stderr.isatty() else LOG_WIDTH)
    now = datetime.now(UTC)
    period = period_of(args, now)
    canary_wanted = bool(args.canary_every or args.canary_rounds or args.canary_only)
    if args.canary_rounds is not None and args.canary_rounds < 1:
        raise CannotJudge(f"--canary-rounds must be 1 or more, got {args.canary_rounds}")
    report_dir = args.report_dir or Path("artifacts") / "watch" / now.strftime("%Y%m%dT%H%M%SZ")
    with watched(args, console, canary_wanted) as target:
        report = WatchReport(target.base_url, period, now, report_dir)
        if not args.canary_only:
            report.metrics = [
                *database_metrics(target, period, now),
                *service_metrics(target, period, now, args.state_dir),
            ]
            ordered = [
                "bookings",
                "conversion",
                "double-booking",
                "email-delivery",
                "api-errors",
                "response-time",
                "confirmation-time",
                "no-show",
            ]
            report.metrics.sort(key=lambda m: ordered.index(m.key))
        if canary_wanted:
            report.rounds = canary_rounds(target, args, report, console)
    report.plots = watch_plots(report.all_metrics, report_dir / "plots")
    files = write_watch_reports(report)
    Console(width=None if sys.stdout.isatty() else LOG_WIDTH).print(summary(report))
    print("\n" + "\n".join(report.lines()))
    print("reports: " + ", ".join(str(path) for path in files.values()))
    return report.exit_code(gate=args.gate)


def canary_rounds(
    target: Target, args: argparse.Namespace, report: WatchReport, console: Console
) -> list[Round]:
    canary = Canary(
        target, client_email=args.canary_email, mail_timeout=args.canary_mail_timeout.total_seconds()
    )
    done: list[Round] = []

    def after(found: Round) -> None:
        done.append(found)
        if not found.ok:
            print(found.alert_line(), flush=True)  # the alert: one line, as it happens
        else:
            console.print(f"canary round {found.number} passed", soft_wrap=True)
        report.rounds = list(done)
        write_watch_reports(report)  # the report stays current while the canary runs on

    every = (args.canary_every or timedelta(minutes=5)).total_seconds()
    try:
        run_canary(canary, rounds=args.canary_rounds, every=every, on_round=after)
    except KeyboardInterrupt:
        console.print("canary stopped")
    finally:
        canary.close()
    return done
