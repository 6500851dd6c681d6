"""The harness's commands as a user runs them, in child processes: `python -m load run` and
`python -m checklists run`, and what "cannot judge" looks like in their output."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
LOAD = ("load", "run", "--scenario", "race", "--users", "6", "--duration", "5s")
# `load run`'s latency gate out of reach, for runs judged on something else (no verdict, the
# audit, the progress shown): CI runs these tests beside other sessions, and a sign-in (argon2
# at the production cost) can take over 500 ms there.
RELAXED_LATENCY = ("--gate-p95-ms", "60000")
CHECKLISTS = ("checklists", "run")
CLIS = {"load": LOAD, "checklists": CHECKLISTS}
STACK_STARTED = "starting the local reference stack"
# What a verdict looks like in either command's output: none of these cases may reach one.
VERDICT = re.compile(r"RESULT: |AUDIT VERDICT|\bREADY\b")


def run_cli(cli: str, *args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *CLIS[cli], *args],
        cwd=cwd,
        env=without_harness_variables(),
        capture_output=True,
        text=True,
        timeout=180,
    )


def assert_cannot_judge(done: subprocess.CompletedProcess[str], line: str) -> str:
    output = done.stdout + done.stderr
    assert done.returncode == 2, output[-3000:]
    assert line in output, output[-3000:]
    assert not VERDICT.search(output), output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    return output


def write_target(path: Path, data: Any) -> Path:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def without_harness_variables() -> dict[str, str]:
    """This process's environment without HARNESS_* (a test names its target explicitly)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
