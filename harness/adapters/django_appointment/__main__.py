"""`python -m harness.adapters.django_appointment stack --info-file F [--port P]`: start a local
django-appointment (its own virtualenv, PostgreSQL, gunicorn) and write its target file;
Ctrl-C or SIGTERM stops it and drops its database."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path


def _stop_on_signals() -> None:
    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def cmd_stack(args: argparse.Namespace) -> int:
    from harness.adapters.django_appointment.stack import django_appointment_stack
    from reference_app.local.stack import PortInUse, ensure_port_free

    if args.port:
        try:
            ensure_port_free(args.host, args.port)
        except PortInUse as exc:
            print(f"stack: {exc}", file=sys.stderr)
            return 2
    _stop_on_signals()
    try:
        with django_appointment_stack(host=args.host, port=args.port) as app:
            if args.info_file:
                Path(args.info_file).write_text(json.dumps(app.target_json(), indent=2), encoding="utf-8")
            print(f"django-appointment is up at {app.base_url} (database: {app.database_source})")
            for role, service_id in app.seed["services"].items():
                print(f"  service {role:<13} {app.base_url}/appointment/request/{service_id}/")
            print(f"  admin:     {app.base_url}/admin/  {app.seed['admin']['email']} (password: info file)")
            print(f"  mail:      {app.mail_dir}/")
            print(f"  logs:      {app.log_dir}/")
            print("Press Ctrl-C to stop.", flush=True)
            while app.server.process.poll() is None:
                time.sleep(0.5)
            print("gunicorn exited; stopping the stack", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("\nstopping...")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m harness.adapters.django_appointment", description=__doc__
    )
    sub = parser.add_subparsers(dest="command", required=True)
    stack = sub.add_parser(
        "stack", help="install, migrate, seed and serve django-appointment; Ctrl-C stops it"
    )
    stack.add_argument("--host", default="127.0.0.1")
    stack.add_argument("--port", type=int, default=0, help="default: a free port")
    stack.add_argument("--info-file", help="write the target file (JSON) here")
    stack.set_defaults(func=cmd_stack)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
