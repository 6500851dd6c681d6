"""The checklist against the real reference stack (server processes, PostgreSQL, moto SES): the
Infrastructure section passes what it can satisfy, SES production access is skipped with moto's
reason, and the variant whose contractor emails link to an internal host turns its item red;
the API checks through the reference adapter (double booking in a row and at once, a booking
outside the offered slots) pass, every item applicable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from checklists.runner import RunOptions, run_checklist
from checklists.verdict import ItemReport
from harness.target import Target, local_reference_target
from reference_app.faults import fault_env
from tests.checklists.conftest import REPO_ROOT, api_checklist

pytestmark = [pytest.mark.slow, pytest.mark.processes]

API_ITEMS = api_checklist("Through the adapter", clients=6)


@pytest.fixture(scope="module")
def reference() -> Iterator[Target]:
    with local_reference_target(servers=1) as target:
        yield target


def items_of(target: Target, options: RunOptions) -> dict[str, ItemReport]:
    return {r.item.id: r for r in run_checklist(target, options).items}


def infrastructure(target: Target, tmp_path: Path) -> dict[str, ItemReport]:
    options = RunOptions(report_dir=tmp_path / "report", only=["Infrastructure"], repo_root=REPO_ROOT)
    return items_of(target, options)


def test_infrastructure_on_the_reference_stack(reference: Target, tmp_path: Path) -> None:
    items = infrastructure(reference, tmp_path)
    for item_id in ("infra.migrations", "infra.ses-identity", "infra.public-app-url"):
        assert items[item_id].status.value == "passed", items[item_id].summary
    production = items["infra.ses-production-access"]
    assert production.status.value == "skipped"
    assert "does not implement sesv2 GetAccount" in production.summary
    assert items["infra.env-live-data"].status.value == "skipped"


def test_double_booking_and_business_rules_through_the_reference_adapter_pass(
    reference: Target, tmp_path: Path
) -> None:
    checklist = tmp_path / "api.toml"
    checklist.write_text(API_ITEMS)
    items = items_of(
        reference, RunOptions(report_dir=tmp_path / "report", checklist=checklist, repo_root=REPO_ROOT)
    )
    double = items["testing.double-booking-api"]
    assert double.status.value == "passed", double.summary
    assert double.summary.startswith("never more than the capacity (1 of 2 booked, 1 of 6 booked)")
    rules = items["testing.business-rules-api"]
    assert rules.status.value == "passed", rules.summary
    assert rules.summary.endswith("was refused (outside_working_hours)")


def test_contractor_email_linking_to_an_internal_host_turns_red(tmp_path: Path) -> None:
    with local_reference_target(servers=1, env=fault_env("checklist_dashboard_link_internal_host")) as target:
        items = infrastructure(target, tmp_path)
    public_url = items["infra.public-app-url"]
    assert public_url.status.value == "failed"
    assert "contractor email links outside" in public_url.summary
    assert "http://booking-internal:8000/schedule" in public_url.summary
