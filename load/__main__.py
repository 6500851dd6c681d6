"""Command line: `python -m load run ...` (one scenario, judged), `python -m load bench ...` and
`python -m load capacity ...` (the most load served within an SLO).

Arguments the harness does not know are passed on to Locust, e.g.
`python -m load run --scenario race -- --loglevel DEBUG`.
"""

from __future__ import annotations

import argparse
import sys

from harness.cli_types import DefaultsHelpFormatter
from harness.exit_codes import run_command
from load.run import add_run_arguments, cmd_run


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; with `command` "run", the benchmark's commands without their
    options: importing the benchmark's modules would cost each `load run` (and each refusal)
    about a second of CPU, and a CI run starts dozens."""
    parser = argparse.ArgumentParser(prog="python -m load", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    add_run_arguments(
        sub.add_parser(
            "run",
            help="run one scenario against a target and judge it",
            description="Run one scenario against a target and judge it. Exit codes: 0 PASS, "
            "1 the target failed a gate, 2 no verdict (docs/reference/exit-codes.md). Options "
            "the harness does not know go on to Locust.",
            formatter_class=DefaultsHelpFormatter,
        )
    )
    bench = sub.add_parser("bench", help="measure the local stack; write the results table")
    capacity = sub.add_parser("capacity", help="the most load served within the SLO")
    if command == "run":
        return parser
    from load.benchmark.bench import add_bench_arguments
    from load.benchmark.capacity import add_capacity_arguments

    add_bench_arguments(bench)
    add_capacity_arguments(capacity)
    return parser


def main(argv: list[str] | None = None) -> int:
    return run_command("load", lambda: dispatch(sys.argv[1:] if argv is None else argv))


def dispatch(argv: list[str]) -> int:
    if "--" in argv:
        cut = argv.index("--")
        argv, passthrough = argv[:cut], argv[cut + 1 :]
    else:
        passthrough = []
    args, unknown = build_parser(argv[0] if argv else None).parse_known_args(argv)
    passthrough = [*unknown, *passthrough]
    if args.command == "run":
        return cmd_run(args, passthrough)
    if args.command == "capacity":
        from load.benchmark.capacity import cmd_capacity

        return cmd_capacity(args, passthrough)
    from load.benchmark.bench import cmd_bench

    return cmd_bench(args, passthrough)


if __name__ == "__main__":
    sys.exit(main())
