"""`python -m load run --scenario race` as the load tests start it: a real Locust run in a
child process against a local stack it starts, with its summary read back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def run_race(
    results: Path,
    *options: str,
    stack_env: Mapping[str, str] | Sequence[str] = (),
    database_url: str | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run the race with these options (users, duration, ...); stack_env goes to the stack's
    servers (a mapping, or NAME=VALUE pairs)."""
    command = [sys.executable, "-m", "load", "run", "--scenario", "race", *options]
    pairs = [f"{k}={v}" for k, v in stack_env.items()] if isinstance(stack_env, Mapping) else stack_env
    for pair in pairs:
        command += ["--stack-env", pair]
    command += ["--results-dir", str(results)]
    env = {**os.environ, **({"DATABASE_URL": database_url} if database_url else {})}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


def summary_of(results: Path) -> dict[str, Any]:
    return dict(json.loads((results / "summary.json").read_text()))
