"""Teeth: each suite that guards behaviour is run against a service broken the way it guards
against, and must fail, naming the evidence. Each starts its own local stack with the broken
variant (reference_app/faults.py, or the concurrency guard switched off) and runs a few of the
suite's tests in a child pytest against it, as a staging user would (--target-file)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from harness.target import Target, local_reference_target
from reference_app.faults import fault_env

E2E_DIR = Path(__file__).resolve().parent
ROOT = E2E_DIR.parent


def run_suite_against_broken_service(
    tmp_path: Path, env: Mapping[str, str], module: str, tests: list[str]
) -> dict[str, dict[str, Any]]:
    """Run the named tests of one suite module against a fresh stack started with `env`;
    returns each case's summary entry by test name (the child's own summary.json)."""
    with local_reference_target(servers=1, env=env) as target:
        target_file = tmp_path / "target.json"
        target_file.write_text(json.dumps(broken_target(target)), encoding="utf-8")
        report_dir = tmp_path / "report"
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(E2E_DIR / module),
            "-k",
            " or ".join(tests),
            "--target-file",
            str(target_file),
            "--e2e-report-dir",
            str(report_dir),
            "--output",
            str(tmp_path / "results"),
            "-p",
            "no:cacheprovider",
            "-q",
        ]
        child = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=280, check=False)
    summary_file = report_dir / "summary.json"
    assert summary_file.exists(), (
        f"the suite wrote no summary:\n{child.stdout[-3000:]}\n{child.stderr[-2000:]}"
    )
    assert child.returncode == 1, f"the suite did not fail (exit {child.returncode}):\n{child.stdout[-3000:]}"
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    cases = [case for suite in summary["suites"] for case in suite["cases"]]
    return {case["test"].split("::")[-1].split("[")[0]: case for case in cases}


def broken_target(target: Target) -> dict[str, Any]:
    return target.to_json()


def assert_caught(cases: dict[str, dict[str, Any]], test: str, *evidence: str) -> None:
    case = cases[test]
    assert case["outcome"] == "failed", f"{test} did not fail against the broken service: {case}"
    for part in evidence:
        assert part in case["reason"], f"{test} failed without naming {part!r}: {case['reason']}"


@pytest.mark.e2e_teeth
@pytest.mark.suite2
def test_suite2_catches_double_booking(tmp_path: Path) -> None:
    cases = run_suite_against_broken_service(
        tmp_path,
        {"BOOKING_CONCURRENCY_GUARD": "off"},
        "test_suite_02_double_booking.py",
        ["test_two_clients_racing_for_the_last_slot_get_one_booking"],
    )
    assert_caught(cases, "test_two_clients_racing_for_the_last_slot_get_one_booking", "jobs stored")


@pytest.mark.e2e_teeth
@pytest.mark.suite3
def test_suite3_catches_a_rule_switched_off(tmp_path: Path) -> None:
    cases = run_suite_against_broken_service(
        tmp_path,
        fault_env("e2e_rule_same_day_off"),
        "test_suite_03_business_rules.py",
        ["test_same_day_is_not_offered_and_is_refused", "test_outside_working_hours_is_not_offered"],
    )
    assert_caught(cases, "test_same_day_is_not_offered_and_is_refused", "same_day_not_allowed")
    assert cases["test_outside_working_hours_is_not_offered_and_is_refused"]["outcome"] == "passed"


@pytest.mark.e2e_teeth
@pytest.mark.suite6
def test_suite6_catches_emails_not_queued(tmp_path: Path) -> None:
    cases = run_suite_against_broken_service(
        tmp_path,
        fault_env("e2e_emails_not_queued"),
        "test_suite_06_emails.py",
        ["test_instant_booking_emails_client_and_contractor"],
    )
    assert_caught(cases, "test_instant_booking_emails_client_and_contractor", "message(s) to")


@pytest.mark.e2e_teeth
@pytest.mark.suite9
def test_suite9_catches_a_page_wider_than_a_phone(tmp_path: Path) -> None:
    cases = run_suite_against_broken_service(
        tmp_path,
        fault_env("e2e_page_overflows_phone"),
        "test_suite_09_mobile.py",
        ["test_booking_by_tapping_on_a_phone"],
    )
    assert_caught(cases, "test_booking_by_tapping_on_a_phone", "px wide on a")
