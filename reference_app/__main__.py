"""Command line: migrate [--check] | seed [--json] | serve | send-emails | outbox | audit |
provision-monitoring | stack."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reference_app.settings import Settings


def _database_url() -> str:
    return Settings.from_env().database_url


def cmd_migrate(args: argparse.Namespace) -> int:
    from reference_app.migrations import migrate, schema_state

    if args.check:
        state = schema_state(_database_url())
        print(f"applied: {state.applied or 'none'}; latest shipped: {state.latest}")
        if state.pending:
            print(f"{len(state.pending)} pending migration(s): {', '.join(state.pending)}", file=sys.stderr)
            return 1
        print("database is up to date")
        return 0
    applied = migrate(_database_url())
    print(f"applied {len(applied)} migration(s)" if applied else "database is up to date")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from reference_app.local.seed import seed

    try:
        ZoneInfo(args.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        print(f"unknown IANA time zone: {args.time_zone!r}", file=sys.stderr)
        return 2
    result = seed(
        _database_url(),
        tenant_name=args.tenant_name,
        time_zone=args.time_zone,
        admin_email=args.email,
        admin_password=args.password,
        admin_name=args.admin_name,
    )
    if args.json:
        print(json.dumps(result.to_json(), indent=2))
    else:
        print(f"tenant {result.tenant_name} ({result.time_zone}): {result.tenant_id}")
        print(f"admin: {result.admin_email} / {result.admin_password}")
        for key, service_id in result.services.items():
            print(f"service {key}: {service_id}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    Settings.from_env()  # fail fast on a bad setting, before workers start
    made_folder = prepare_metrics_folder()
    try:
        uvicorn.run(
            "reference_app.app:app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=os.environ.get("LOG_LEVEL", "info").lower(),
            access_log=args.access_log,
            loop=args.loop,
            http=args.http,
        )
    finally:
        if made_folder is not None:
            shutil.rmtree(made_folder, ignore_errors=True)
    return 0


def cmd_send_emails(args: argparse.Namespace) -> int:
    """A separate outbox worker: the same sender the service runs in the background."""
    import asyncio

    from reference_app.db import make_pool
    from reference_app.emails.sender import OutboxSender
    from reference_app.emails.transport import transport_for
    from reference_app.failpoints import failpoints

    settings = Settings.from_env()

    async def run() -> int:
        async with make_pool(settings) as pool:
            sender = OutboxSender(pool, settings, transport_for(settings))
            if args.once:
                processed = await sender.send_due()
                print(f"processed {processed} email(s)")
                return 0
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            workers = [sender.run(stop)]
            if settings.ses_feedback_queue_url:
                from reference_app.emails.feedback import FeedbackWorker

                workers.append(FeedbackWorker(pool, settings).run(stop))
            await asyncio.gather(*workers)
            return 0

    with failpoints(settings.failpoints):  # the run's task copies this context
        return asyncio.run(run())


def cmd_outbox(args: argparse.Namespace) -> int:
    """Print outbox rows (all tenants) by state, so an operator can see stuck mail."""
    import psycopg
    from psycopg.rows import dict_row

    with psycopg.connect(_database_url(), row_factory=dict_row) as conn:
        counts = {
            r["state"]: r["count"]
            for r in conn.execute("SELECT state, count(*) FROM email_outbox GROUP BY state")
        }
        states = ("pending", "sent", "dead", "suppressed")
        print("  ".join(f"{state}: {counts.get(state, 0)}" for state in states))
        rows = conn.execute(
            "SELECT id, state, kind, recipient, attempts, next_attempt_at, last_error FROM email_outbox"
            " WHERE (%(state)s::text IS NULL OR state = %(state)s) ORDER BY id DESC LIMIT %(limit)s",
            {"state": args.state, "limit": args.limit},
        ).fetchall()
    for row in rows:
        error = f"  last error: {row['last_error']}" if row["last_error"] else ""
        print(
            f"#{row['id']:<6} {row['state']:<7} {row['kind']:<28} {row['recipient']:<32}"
            f" attempts={row['attempts']} next={row['next_attempt_at']:%Y-%m-%d %H:%M:%S}{error}"
        )
    return 0


# reference_app.operations.metrics.MULTIPROC_ENV, named here so prometheus-client stays unimported.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_metrics_folder() -> Path | None:
    """Several worker processes share their Prometheus figures through files in one folder
    (prometheus-client's multiprocess mode): a fresh one unless PROMETHEUS_MULTIPROC_DIR names
    one, emptied of a previous run's files. Set before anything imports prometheus-client: it
    chooses where figures live (memory or the folder) once, at import, and a single worker runs
    in this very process, so importing it first would leave /metrics reading an empty folder.
    Returns the folder when it made one (removed when the server stops)."""
    import tempfile

    folder = os.environ.get(MULTIPROC_ENV)
    made = None
    if not folder:
        folder = tempfile.mkdtemp(prefix="booking-metrics-")
        os.environ[MULTIPROC_ENV] = folder
        made = Path(folder)
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    return made


def cmd_audit(args: argparse.Namespace) -> int:
    """Count double-booking incidents in the live data; exit 1 when there is any."""
    from reference_app.operations.audit import audit_database

    incidents = audit_database(_database_url())
    if args.json:
        print(json.dumps({"incidents": [i.to_json() for i in incidents]}, indent=2))
    else:
        for incident in incidents:
            ids = ", ".join(str(job_id) for job_id in incident.job_ids)
            where = f"tenant {incident.tenant_id} at {incident.at.isoformat()}"
            print(f"{where}: capacity {incident.capacity}, jobs {ids}")
        print(f"{len(incidents)} double-booking incident(s)")
    return 1 if incidents else 0


def cmd_provision_monitoring(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from reference_app.operations.monitoring import provision_monitoring

    try:
        changes = provision_monitoring(Settings.from_env())
    except (BotoCoreError, ClientError) as exc:
        print(f"provision-monitoring failed: {exc}", file=sys.stderr)
        return 2
    for change in changes:
        print(change)
    print(f"{len(changes)} change(s)" if changes else "monitoring is up to date")
    return 0


def cmd_stack(args: argparse.Namespace) -> int:
    from reference_app.local.stack import StackInfo, local_stack
    from reference_app.local.stack_command import serve_stack

    def describe(info: StackInfo) -> list[str]:
        seed = info.seed
        lines = [
            f"Reference booking service is up at {info.base_url} (database: {info.database_source})",
            f"  calendar:  {info.base_url}/schedule (staff; sign in as the admin below)",
            f"  booking:   {info.base_url}/book/{seed.services['standard']} (the public booking page)",
            f"  API docs:  {info.base_url}/schema/swagger",
            f"  health:    {info.base_url}/health",
            f"  metrics:   {info.base_url}/metrics (bearer token: metricsToken in the info file)",
        ]
        if info.mailbox_url:
            lines.append(f"  mailbox:   {info.mailbox_url}/moto-api/data.json (moto SES: sent emails)")
        lines += [f"  admin:     {seed.admin_email} / {seed.admin_password}", f"  logs:      {info.log_dir}/"]
        lines += [
            f"  service {key:<13} {info.base_url}/services/{service_id}  page: /book/{service_id}"
            for key, service_id in seed.services.items()
        ]
        return lines

    return serve_stack(
        lambda: local_stack(
            servers=1, workers=args.workers, host=args.host, port=args.port, fresh_database=False
        ),
        host=args.host,
        port=args.port,
        info_file=args.info_file,
        describe=describe,
        running=lambda info: all(child.process.poll() is None for child in info.processes),
        what_exited="a server or the email sender",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m reference_app", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    migrate = sub.add_parser("migrate", help="apply pending migrations to DATABASE_URL")
    migrate.add_argument(
        "--check", action="store_true", help="apply nothing; exit 1 when migrations are pending"
    )
    migrate.set_defaults(func=cmd_migrate)

    seed = sub.add_parser("seed", help="create a demo tenant, admin and services")
    seed.add_argument("--json", action="store_true", help="print ids and credentials as JSON")
    seed.add_argument("--time-zone", default="America/New_York")
    seed.add_argument("--tenant-name", default="Demo Home Services", help="the business's name")
    seed.add_argument("--admin-name", default="Demo Admin", help="the admin's name")
    seed.add_argument("--email", help="admin email (default: a new random address)")
    seed.add_argument("--password", help="admin password (default: random)")
    seed.set_defaults(func=cmd_seed)

    serve = sub.add_parser("serve", help="serve the API on DATABASE_URL")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--access-log", action="store_true")
    # "auto" takes uvloop and httptools (both installed with the service); the load benchmark
    # pins asyncio + h11 through SERVE_LOOP / SERVE_HTTP to measure the difference.
    serve.add_argument(
        "--loop", choices=["auto", "asyncio", "uvloop"], default=os.environ.get("SERVE_LOOP", "auto")
    )
    serve.add_argument(
        "--http", choices=["auto", "h11", "httptools"], default=os.environ.get("SERVE_HTTP", "auto")
    )
    serve.set_defaults(func=cmd_serve)

    send = sub.add_parser("send-emails", help="run the outbox sender as a separate worker")
    send.add_argument("--once", action="store_true", help="send what is due, then exit")
    send.set_defaults(func=cmd_send_emails)

    outbox = sub.add_parser("outbox", help="list outbox emails by state")
    outbox.add_argument("--state", choices=["pending", "sent", "dead", "suppressed"])
    outbox.add_argument("--limit", type=int, default=50)
    outbox.set_defaults(func=cmd_outbox)

    audit = sub.add_parser("audit", help="find double-bookings in the live data (exit 1 when any)")
    audit.add_argument("--json", action="store_true")
    audit.set_defaults(func=cmd_audit)

    sub.add_parser(
        "provision-monitoring", help="create or update the CloudWatch dashboard and alarms (idempotent)"
    ).set_defaults(func=cmd_provision_monitoring)

    stack = sub.add_parser("stack", help="start PostgreSQL, migrate, seed and serve; Ctrl-C stops everything")
    stack.add_argument("--host", default="127.0.0.1")
    stack.add_argument("--port", type=int, default=8000)
    stack.add_argument("--workers", type=int, default=2)
    stack.add_argument("--info-file", help="write URLs, ids and credentials as JSON here")
    stack.set_defaults(func=cmd_stack)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command != "serve":
        Settings.from_env().configure_logging()
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
