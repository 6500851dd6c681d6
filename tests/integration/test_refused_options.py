"""A bad option stops `python -m load run` and `python -m checklists run` before any stack
starts: exit code 2, the option's own words, no verdict and no stack started to find out."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.cli_runs import STACK_STARTED, assert_cannot_judge, run_cli

pytestmark = pytest.mark.processes


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--users", "0"), "argument --users/-u: must be 1 or more, got 0"),
        (("--users", "-5"), "argument --users/-u: must be 1 or more, got -5"),
        (("--users", "1"), "--users 1: a race needs at least 2 concurrent users"),
        (
            ("--duration", "abc"),
            "argument --duration/-t: expects a duration such as 30s, 2m or 1h30m, got 'abc'",
        ),
        (("--processes", "-4"), "argument --processes: must be 0 (none), a count, or -1"),
        (("--spawn-rate", "0"), "argument --spawn-rate/-r: must be above 0"),
        (("--stack-env", "NOEQUALS"), "--stack-env expects NAME=VALUE, got 'NOEQUALS'"),
        (
            ("--stack-without-ses", "--nemesis", "kill-worker,ses-outage"),
            "--nemesis ses-outage pauses the local stack's SES: drop --stack-without-ses",
        ),
        (
            ("--stack-without-ses", "--base-url", "http://127.0.0.1:9"),
            "--stack-without-ses shapes the local stack the harness starts; http://127.0.0.1:9 sends",
        ),
    ],
    ids=[
        "users-0",
        "users-negative",
        "race-of-one",
        "duration-abc",
        "processes",
        "spawn-rate",
        "stack-env",
        "no-ses-outage-without-ses",
        "no-ses-for-a-named-target",
    ],
)
def test_load_options_are_refused_before_a_stack_starts(args: tuple[str, ...], line: str) -> None:
    output = assert_cannot_judge(run_cli("load", *args), line)
    assert STACK_STARTED not in output and "-t/--run-time" not in output


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--only", "NoSuchSection"), "--only names unknown sections ['nosuchsection']; sections: ["),
        (("--race-users", "1"), "argument --race-users: a race needs at least 2 users, got 1"),
        (("--race-duration", "abc"), "argument --race-duration: expects a duration such as 30s"),
        (("--race-processes", "-4"), "argument --race-processes: must be 0 (none), a count, or -1"),
    ],
    ids=["only", "race-users", "race-duration", "race-processes"],
)
def test_checklist_options_are_refused_before_a_stack_starts(
    args: tuple[str, ...], line: str, tmp_path: Path
) -> None:
    output = assert_cannot_judge(run_cli("checklists", *args, "--report-dir", str(tmp_path / "r")), line)
    assert STACK_STARTED not in output
