"""`python -m harness.adapters.django_appointment stack --info-file F [--port P]`: start a local
django-appointment (its own virtualenv, PostgreSQL, gunicorn) and write its target file;
Ctrl-C or SIGTERM stops it and drops its database."""

from __future__ import annotations

import argparse
import sys


def cmd_stack(args: argparse.Namespace) -> int:
    from harness.adapters.django_appointment.stack import AppStack, django_appointment_stack
    from reference_app.local.stack_command import serve_stack

    def describe(app: AppStack) -> list[str]:
        lines = [f"django-appointment is up at {app.base_url} (database: {app.database_source})"]
        lines += [
            f"  service {role:<13} {app.base_url}/appointment/request/{service_id}/"
            for role, service_id in app.seed["services"].items()
        ]
        return [
            *lines,
            f"  admin:     {app.base_url}/admin/  {app.seed['admin']['email']} (password: info file)",
            f"  mail:      {app.mail_dir}/",
            f"  logs:      {app.log_dir}/",
        ]

    return serve_stack(
        lambda: django_appointment_stack(host=args.host, port=args.port),
        host=args.host,
        port=args.port,
        info_file=args.info_file,
        describe=describe,
        running=lambda app: app.server.process.poll() is None,
        what_exited="gunicorn",
    )


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
