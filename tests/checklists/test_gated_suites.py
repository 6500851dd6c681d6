"""CI runs each browser test once: the gated checklist run judges the E2E suites of its
unwaived blocker items, and CI's browser step (`nox -s e2e_beside_verify`) selects exactly
every other E2E test, teeth included."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from checklists.definition import DEFAULT_CHECKLIST
from checklists.gated_suites import gated_e2e_suites, marker_beside
from checklists.suites import e2e_marker
from harness.suite_sessions import E2E_SESSION_OPTIONS
from tests.checklists.conftest import REPO_ROOT

pytestmark = pytest.mark.processes

EXAMPLE_SIGN_OFFS = REPO_ROOT / "checklists" / "examples" / "local-sign-offs.toml"
NOW = datetime(2026, 12, 6, tzinfo=UTC)


def test_the_example_sign_offs_waive_no_suite_of_a_blocker_item() -> None:
    # Their two waivers are infrastructure items the local stack cannot satisfy: every E2E suite
    # of a blocker item (suite 7 for hostile text, suite 10 for two engines) stays gated.
    gated = {1, 2, 5, 6, 7, 9, 10}
    assert gated_e2e_suites(DEFAULT_CHECKLIST, EXAMPLE_SIGN_OFFS, NOW) == gated
    assert gated_e2e_suites(DEFAULT_CHECKLIST, None, NOW) == gated


def test_a_waived_or_expired_waiver_decides_whether_the_gate_judges_a_suite(tmp_path: Path) -> None:
    sign_offs = tmp_path / "sign-offs.toml"
    waiver = '[[waivers]]\nid = "testing.emails"\njustification = "j"\nby = "Eve"\nexpires = {}\n'
    sign_offs.write_text(waiver.format("2027-06-30"))
    assert 6 not in gated_e2e_suites(DEFAULT_CHECKLIST, sign_offs, NOW)
    sign_offs.write_text(waiver.format("2026-12-01"))
    assert 6 in gated_e2e_suites(DEFAULT_CHECKLIST, sign_offs, NOW)


def collected(tmp_path: Path, *marker: str) -> set[str]:
    command = [sys.executable, "-m", "pytest", "e2e", "--collect-only", "-q", *E2E_SESSION_OPTIONS]
    command += ["--e2e-report-dir", str(tmp_path / "report"), *marker]
    run = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return {line for line in run.stdout.splitlines() if line.startswith("e2e/") and "::" in line}


def test_the_checklist_run_and_the_browser_step_split_the_e2e_tests_between_them(tmp_path: Path) -> None:
    gated = gated_e2e_suites(DEFAULT_CHECKLIST, EXAMPLE_SIGN_OFFS, NOW)
    every = collected(tmp_path)
    judged = collected(tmp_path, "-m", e2e_marker(gated))
    beside = collected(tmp_path, "-m", marker_beside(gated))
    assert judged and beside and any("teeth" in test for test in beside)
    assert judged | beside == every
    assert not judged & beside
