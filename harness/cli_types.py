"""Argument types the harness's commands share: each refuses a value that would make a run
vacuous or meaningless, in the option's own words, before anything starts."""

from __future__ import annotations

import argparse

from harness.durations import parse_seconds

# A race with one user races no one: it proves nothing about concurrent bookings.
MIN_RACE_USERS = 2


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0, got {text}")
    return value


def duration_text(text: str) -> str:
    """The duration as given (Locust reads the same forms), once it is known to be one."""
    try:
        seconds = parse_seconds(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"must be longer than 0 s, got {text!r}")
    return text.strip()


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """Help that names every option's default: the value when there is one, else the option's
    help says what not giving it means (e.g. "none: a local stack")."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if "%(default)" in text or "default:" in text or not action.option_strings:
            return text
        default = action.default
        if default is None or default is False or default in ("", [], argparse.SUPPRESS):
            return text
        return f"{text} (default: %(default)s)"


def process_count(text: str) -> int:
    """Locust worker processes: 0 (none), a count, or -1 (one per CPU core)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expects a whole number, got {text!r}") from None
    if value < -1:
        raise argparse.ArgumentTypeError(f"must be 0 (none), a count, or -1 (one per CPU core), got {value}")
    return value


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """--target-file or --base-url (not both): where the target is; neither means the HARNESS_*
    variables, else a local reference stack the command starts."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--target-file",
        help="target description JSON (docs/reference/target-file.md) (default: HARNESS_* variables, "
        "else a local reference stack)",
    )
    where.add_argument(
        "--base-url",
        help="target base URL; other target fields from HARNESS_* variables (default: as --target-file)",
    )
