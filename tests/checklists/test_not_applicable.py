"""A check whose capability the target's adapter lacks is not applicable, naming the capability:
never run, never passed, never failed. A not-applicable blocker holds back READY (exit 0
without --gate, 1 with it) until a waiver covers it. The parts of an item are combined so that
a part that could not be judged never lets the item pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from checklists.attestations import SignOffs, load_sign_offs
from checklists.checks import CHECKS
from checklists.checks.testing import combined, plan_for, race_tool_for
from checklists.definition import DEFAULT_CHECKLIST, load_checklist
from checklists.model import CheckResult, Item, Outcome, Severity, Status
from checklists.report import RunReport
from checklists.reporters.junit import junit_report
from checklists.runner import run_check
from checklists.verdict import EXIT_FAILED, EXIT_OK, ItemReport, Verdict, automated_item, overall
from harness.model import Capability
from harness.target import Target
from tests.checklists.conftest import TODAY, MakeContext
from tests.checklists.memory_system import MemorySystem
from tests.checklists.sign_off_files import waiver

# Each check that reads the reference's operations interfaces, and the capability it names.
OPERATIONS_CHECKS = [
    ("deployed_version", Capability.HEALTH_REPORT),
    ("migrations_applied", Capability.HEALTH_REPORT),
    ("env_file", Capability.HEALTH_REPORT),
    ("cors_restricted", Capability.CORS),
    ("ses_identity_verified", Capability.SES),
    ("ses_production_access", Capability.SES),
    ("bounce_complaint_suppressed", Capability.SES),
    ("public_app_url", Capability.EMAILS),
    ("cloudwatch_dashboard", Capability.CLOUDWATCH),
    ("cloudwatch_alarms", Capability.CLOUDWATCH),
    ("e2e_suites", Capability.PAGES),
    ("browser_engines", Capability.PAGES),
]
ITEM = Item(
    "infra.migrations", "Infrastructure", "no migration pending", Severity.BLOCKER, "migrations_applied"
)


@pytest.mark.parametrize(("name", "capability"), OPERATIONS_CHECKS)
def test_a_check_whose_capability_the_adapter_lacks_is_not_applicable_naming_it(
    make_context: MakeContext, name: str, capability: Capability
) -> None:
    # The target answers nothing (port 9): a check that ran would fail, not be "not applicable".
    context = make_context(_system=MemorySystem.lacking([capability]))
    result = run_check(context, name, {})
    assert result.outcome is Outcome.NOT_APPLICABLE, result.summary
    assert result.summary == f"the memory adapter does not offer {capability.value}"
    assert result.evidence[0].detail["missing"] == [capability.value]


def test_the_same_check_runs_when_the_adapter_has_the_capability(make_context: MakeContext) -> None:
    result = run_check(make_context(_system=MemorySystem()), "migrations_applied", {})
    assert result.outcome is Outcome.FAILED, result.summary


def test_a_not_applicable_blocker_holds_back_ready_but_is_no_failure() -> None:
    result = CheckResult.not_applicable("the memory adapter does not offer health-report")
    report = automated_item(ITEM, result, SignOffs())
    verdict = overall([report])
    assert report.status is Status.NOT_APPLICABLE and report.blocks
    assert not verdict.ready and not verdict.failed and verdict.blockers == [ITEM.id]
    assert (verdict.exit_code(gate=False), verdict.exit_code(gate=True)) == (EXIT_OK, EXIT_FAILED)
    assert verdict.lines() == [
        f"NOT READY: blocking {ITEM.id}",
        f"  not applicable: {ITEM.id}: the memory adapter does not offer health-report",
    ]
    assert verdict.to_json()["notApplicable"] == {ITEM.id: result.summary}
    assert b'<skipped message="not applicable: the memory adapter' in junit_report_of(report, verdict)


def test_a_waiver_in_the_attestations_file_covers_a_not_applicable_blocker(tmp_path: Path) -> None:
    path = tmp_path / "sign-offs.toml"
    path.write_text(waiver(ITEM.id, justification="the system keeps no schema state of its own"))
    sign_offs = load_sign_offs(path, attested_ids=set(), automated_ids={ITEM.id}, today=TODAY)
    report = automated_item(ITEM, CheckResult.not_applicable("lacks health-report"), sign_offs)
    verdict = overall([report])
    assert report.label == "not applicable (waived)" and verdict.ready
    assert (verdict.exit_code(gate=False), verdict.exit_code(gate=True)) == (EXIT_OK, EXIT_OK)


def junit_report_of(report: ItemReport, verdict: Verdict) -> bytes:
    return junit_report(
        RunReport("checklist", "c.toml", "http://t", "s", "e", 0.0, verdict, [report], Path("."))
    )


@pytest.mark.parametrize(
    ("parts", "whole"),
    [
        ([Outcome.PASSED, Outcome.ERROR], Outcome.ERROR),  # a broken part never lets the item pass
        ([Outcome.PASSED, Outcome.NOT_APPLICABLE], Outcome.NOT_APPLICABLE),
        ([Outcome.NOT_APPLICABLE, Outcome.FAILED], Outcome.FAILED),
        ([Outcome.SKIPPED, Outcome.NOT_APPLICABLE], Outcome.NOT_APPLICABLE),
        ([Outcome.PASSED, Outcome.PASSED], Outcome.PASSED),
    ],
)
def test_an_item_of_several_parts_passes_only_when_every_part_passed(
    parts: list[Outcome], whole: Outcome
) -> None:
    assert combined([CheckResult(o, o.value) for o in parts]).outcome is whole


def test_the_suites_an_adapter_lacks_the_capability_for_are_not_planned() -> None:
    items = load_checklist(DEFAULT_CHECKLIST, CHECKS.keys()).items
    everything = plan_for(items)
    assert everything.e2e_suites and everything.lifecycle and everything.load_race
    bookings_only = {Capability.PUBLIC_BOOKING, Capability.AVAILABILITY, Capability.FINAL_STATE}
    plan = plan_for(items, bookings_only)
    assert (plan.e2e_suites, plan.lifecycle, plan.load_race) == (frozenset(), False, True)
    assert race_tool_for(Target("http://127.0.0.1:9")) == "locust"
    assert race_tool_for(Target("http://127.0.0.1:9", adapter="django-appointment")) == "harness-race"
