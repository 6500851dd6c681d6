"""The suites' own pytest sessions (`pytest e2e ...`, `pytest properties ...`) run the same
preflight at session start: a dead target or a bad target file ends the session at once with
exit code 2 and one line, before any test runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.suite_sessions import PROPERTIES_SESSION_OPTIONS
from reference_app.local.stack import free_port
from tests.integration.cli_runs import REPO_ROOT, STACK_STARTED, without_harness_variables, write_target

pytestmark = pytest.mark.processes

SUITES = ["e2e/test_suite_01_public_booking.py", "properties/test_lifecycle_machine.py"]


def run_suite(suite: str, *options: str) -> str:
    """The suite's pytest session with these options; its output, having checked it ended with
    exit code 2 (no verdict)."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", suite, *options, "-q", *PROPERTIES_SESSION_OPTIONS],
        cwd=REPO_ROOT,
        env=without_harness_variables(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output[-3000:]
    return output


@pytest.mark.parametrize(("suite", "option"), list(zip(SUITES, ["--base-url", "--target-url"], strict=True)))
def test_a_suite_session_against_a_dead_target_ends_at_once(suite: str, option: str) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    output = run_suite(suite, option, url)
    assert f"{suite.split('/')[0]}: connection refused at {url}" in output, output[-3000:]
    assert " passed" not in output and STACK_STARTED not in output


@pytest.mark.parametrize("suite", SUITES)
def test_a_suite_session_with_a_bad_target_file_ends_at_once(suite: str, tmp_path: Path) -> None:
    path = write_target(tmp_path / "t.json", {"baseUrl": "http://127.0.0.1:9", "admin": "x"})
    output = run_suite(suite, "--target-file", str(path))
    assert '"admin" must be a JSON object, got a string' in output and "Traceback" not in output
