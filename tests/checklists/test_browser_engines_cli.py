"""`testing.browsers` through `python -m checklists run` against the real reference stack: on a
machine with Debian's Chromium and WebKitGTK it passes on both engines (READY, even with
--gate); with WebKitGTK absent it cannot be checked on this machine, naming the install line,
and the command exits 0 with NOT READY: the machine's limit is not the target's failure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e.browsers import WebKitGtk, find_chromium, find_webkitgtk
from harness.target import local_reference_target
from tests.checklists.conftest import REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.processes]

CHECKLIST = """
title = "Browsers only"

[[sections]]
name = "Testing"

[[sections.items]]
id = "testing.browsers"
text = "Works in 2+ browsers (E2E suite 10 on at least two engines)"
severity = "blocker"
check = "browser_engines"
params = { suite = 10, minimum = 2 }
"""


@pytest.fixture(scope="module")
def target_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("browsers")
    with local_reference_target(servers=1) as target:
        path = folder / "target.json"
        path.write_text(json.dumps(target.to_json()), encoding="utf-8")
        yield path


def run_browsers_item(
    target_file: Path, report_dir: Path, *options: str, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    checklist = report_dir.parent / "checklist.toml"
    checklist.write_text(CHECKLIST, encoding="utf-8")
    command = [
        sys.executable, "-m", "checklists", "run", "--target-file", str(target_file),
        "--checklist", str(checklist), "--report-dir", str(report_dir), "--browsers", "chromium", *options,
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=REPO_ROOT, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=280
    )
    report = json.loads((report_dir / "readiness.json").read_text())
    (item,) = report["items"]
    return done, item


def test_two_real_engines_pass_without_a_waiver(target_file: Path, tmp_path: Path) -> None:
    if find_chromium() is None or not isinstance(find_webkitgtk(), WebKitGtk):
        pytest.skip(
            "this machine lacks Chromium or WebKitGTK (apt-get install chromium webkit2gtk-driver xvfb)"
        )
    done, item = run_browsers_item(target_file, tmp_path / "report", "--gate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert item["status"] == "passed", item["summary"]
    assert item["summary"] == "E2E suite 10 passed on chromium, webkitgtk"
    assert "\nREADY\n" in done.stdout


def test_an_absent_engine_cannot_be_checked_here_and_exits_0(target_file: Path, tmp_path: Path) -> None:
    if find_chromium() is None:
        pytest.skip("this machine lacks Chromium (apt-get install chromium)")
    # As on a machine without webkit2gtk-driver: the WebDriver named is not there.
    done, item = run_browsers_item(
        target_file, tmp_path / "report", env={"WEBKIT_WEBDRIVER_PATH": str(tmp_path / "no-such-driver")}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert item["status"] == "cannot be checked on this machine", item["summary"]
    assert "apt-get install webkit2gtk-driver xvfb" in str(item["summary"])
    assert (
        "NOT READY: blocking testing.browsers\n  cannot be checked on this machine: testing.browsers:"
        in done.stdout
    )
    assert "apt-get install webkit2gtk-driver xvfb" in done.stdout
    report_dir = tmp_path / "report"
    verdict = json.loads((report_dir / "readiness.json").read_text())
    assert verdict["verdict"] == "NOT READY" and verdict["failed"] == []
    assert list(verdict["cannotBeCheckedHere"]) == ["testing.browsers"]
    assert 'data-testid="cannot-check-here"' in (report_dir / "readiness.html").read_text()
    assert (
        "cannot be checked on this machine: `testing.browsers`" in (report_dir / "readiness.md").read_text()
    )
    junit = (report_dir / "junit.xml").read_text()
    assert "<failure" not in junit and "<skipped" in junit
