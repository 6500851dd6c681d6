"""The harness suites the Testing items read, each run once per checklist run as a subprocess
against the target: E2E (pytest, one run for every suite any item needs), the Locust race
(`python -m load run`; for a target of another adapter than the reference, the race through
its adapter, `python -m harness race`), and the lifecycle state machine in live mode (pytest
on properties/).
Each run's output goes to a log file in the report directory; its verdict is the summary file
the suite writes (E2E's and the race's summary.json, the machine's JUnit XML)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.suite_sessions import E2E_SESSION_OPTIONS, PROPERTIES_SESSION_OPTIONS

E2E_SUMMARY = "summary.json"
LIFECYCLE_TESTS = "properties/test_lifecycle_machine.py"
HARNESS_RACE = "harness-race"  # the race through the target's adapter (harness/race.py)
HARNESS_RACE_ROUNDS = 3


def e2e_marker(suites: Iterable[int]) -> str:
    """The pytest marker expression of a checklist's E2E run: the named suites, without their
    teeth (the suites judge the target; their teeth judge the harness on stacks of their own)."""
    return f"({' or '.join(f'suite{n}' for n in sorted(suites))}) and not e2e_teeth"


@dataclass(frozen=True)
class SuitePlan:
    """What the selected items need: computed before anything runs, so each suite runs once."""

    e2e_suites: frozenset[int] = frozenset()
    load_race: bool = False
    lifecycle: bool = False
    browsers: tuple[str, ...] = ("chromium",)
    race_users: int = 30
    race_duration: str = "15s"
    race_processes: int = 0  # Locust worker processes (0: the race runs in Locust's own process)
    race_tool: str = "locust"  # or HARNESS_RACE: its clients are race_users, its rounds 3


@dataclass
class SuiteRun:
    name: str
    command: list[str]
    directory: Path
    log_path: Path
    exit_code: int | None = None
    seconds: float = 0.0
    summary: dict[str, Any] | None = None
    # Why no verdict could be read (timeout, no summary file, unreadable file).
    error: str | None = None

    def evidence(self) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "suite": self.name,
            "command": " ".join(self.command),
            "exitCode": self.exit_code,
            "seconds": round(self.seconds, 1),
            "log": str(self.log_path),
            "error": self.error,
        }
        if self.error or self.exit_code:
            detail["logTail"] = self.log_tail()
        return detail

    def log_tail(self, lines: int = 15) -> list[str]:
        """The last lines of the suite's output: why it failed, without opening the log."""
        try:
            return self.log_path.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            return []


def junit_counts(path: Path) -> dict[str, Any]:
    """passed / failed / skipped counts and the failing test names of a pytest JUnit file."""
    root = ET.parse(path).getroot()
    cases = root.iter("testcase")
    counts: dict[str, Any] = {"passed": 0, "failed": 0, "skipped": 0, "failures": []}
    for case in cases:
        name = f"{case.get('classname')}::{case.get('name')}"
        if case.find("failure") is not None or case.find("error") is not None:
            counts["failed"] += 1
            counts["failures"].append(name)
        elif case.find("skipped") is not None:
            counts["skipped"] += 1
            skipped = case.find("skipped")
            counts.setdefault("skipReasons", []).append(skipped.get("message") if skipped is not None else "")
        else:
            counts["passed"] += 1
    return counts


@dataclass
class SuiteRunner:
    plan: SuitePlan
    report_dir: Path
    target_file: Path
    repo_root: Path = field(default_factory=Path.cwd)
    on_start: Callable[[str], None] = lambda name: None
    on_end: Callable[[SuiteRun], None] = lambda run: None
    timeout_seconds: float = 1800
    _runs: dict[str, SuiteRun] = field(default_factory=dict)

    def _run(self, name: str, command: list[str], directory: Path) -> SuiteRun:
        directory.mkdir(parents=True, exist_ok=True)
        run = SuiteRun(name, command, directory, directory / "output.log")
        self.on_start(name)
        started = time.monotonic()
        with run.log_path.open("wb") as log:
            process = subprocess.Popen(
                command,
                cwd=self.repo_root,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                start_new_session=True,  # so a timeout stops the suite's own children too
            )
            try:
                run.exit_code = process.wait(self.timeout_seconds)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                run.error = f"stopped after {self.timeout_seconds:.0f} s without finishing"
        run.seconds = time.monotonic() - started
        return run

    # The suites share the target's one calendar. The lifecycle machine creates jobs at times
    # of its choosing and expects them free; E2E and the race pick free slots from availability
    # (the race fills many). So whichever suite an item asks for first, the planned suites run
    # in this order, each once.
    ORDER = ("lifecycle", "e2e", "load-race")

    def _planned(self, name: str) -> bool:
        return {
            "lifecycle": self.plan.lifecycle,
            "e2e": bool(self.plan.e2e_suites),
            "load-race": self.plan.load_race,
        }[name]

    def _get(self, name: str) -> SuiteRun:
        starts = {
            "lifecycle": self._start_lifecycle,
            "e2e": self._start_e2e,
            "load-race": self._start_load_race,
        }
        for earlier in self.ORDER[: self.ORDER.index(name)]:
            if self._planned(earlier) and earlier not in self._runs:
                self._record(earlier, starts[earlier]())
        if name not in self._runs:
            self._record(name, starts[name]())
        return self._runs[name]

    def _record(self, name: str, run: SuiteRun) -> None:
        self._runs[name] = run
        self.on_end(run)

    @property
    def runs(self) -> list[SuiteRun]:
        return list(self._runs.values())

    def e2e(self) -> SuiteRun:
        return self._get("e2e")

    def load_race(self) -> SuiteRun:
        return self._get("load-race")

    def lifecycle(self) -> SuiteRun:
        return self._get("lifecycle")

    def _start_e2e(self) -> SuiteRun:
        directory = self.report_dir / "e2e"
        suites = sorted(self.plan.e2e_suites)
        browsers: Sequence[str] = self.plan.browsers
        command = [
            sys.executable, "-m", "pytest", "e2e",
            "-m", e2e_marker(suites),
            "--target-file", str(self.target_file),
            "--e2e-report-dir", str(directory),
            "--output", str(directory / "results"),
            "--tracing", "retain-on-failure",
            "--screenshot", "only-on-failure",
            *E2E_SESSION_OPTIONS,
            *[arg for browser in browsers for arg in ("--browser", browser)],
        ]  # fmt: skip
        run = self._run("e2e", command, directory)
        return _read_json(run, directory / E2E_SUMMARY, "E2E")

    def _start_load_race(self) -> SuiteRun:
        if self.plan.race_tool == HARNESS_RACE:
            return self._start_harness_race()
        directory = self.report_dir / "load-race"
        command = [
            sys.executable, "-m", "load", "run", "--scenario", "race",
            "--target-file", str(self.target_file),
            "--results-dir", str(directory),
            "--users", str(self.plan.race_users),
            "--duration", self.plan.race_duration,
            "--processes", str(self.plan.race_processes),
        ]  # fmt: skip
        run = self._run("load-race", command, directory)
        return _read_json(run, directory / "summary.json", "the load race")

    def _start_harness_race(self) -> SuiteRun:
        directory = self.report_dir / HARNESS_RACE
        command = [
            sys.executable, "-m", "harness", "race",
            "--target-file", str(self.target_file),
            "--results-dir", str(directory),
            "--clients", str(self.plan.race_users),
            "--rounds", str(HARNESS_RACE_ROUNDS),
        ]  # fmt: skip
        run = self._run(HARNESS_RACE, command, directory)
        return _read_json(run, directory / "summary.json", "the race through the adapter")

    def _start_lifecycle(self) -> SuiteRun:

        directory = self.report_dir / "lifecycle"
        junit = directory / "junit.xml"
        command = [
            sys.executable, "-m", "pytest", LIFECYCLE_TESTS,
            "--target-file", str(self.target_file),
            "--junitxml", str(junit),
            *PROPERTIES_SESSION_OPTIONS,
        ]  # fmt: skip
        run = self._run("lifecycle", command, directory)
        if run.error is None:
            try:
                run.summary = junit_counts(junit)
            except (OSError, ET.ParseError) as exc:
                run.error = (
                    f"the lifecycle machine wrote no readable JUnit file ({exc}); exit code {run.exit_code}"
                )
        return run


def _read_json(run: SuiteRun, path: Path, what: str) -> SuiteRun:
    if run.error is not None:
        return run
    try:
        run.summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        run.error = (
            f"{what} wrote no readable {path.name} (exit code {run.exit_code}): {exc}; see {run.log_path}"
        )
    return run
