"""The Infrastructure section against the real reference stack (server processes, PostgreSQL,
moto SES): what it can satisfy passes, SES production access is skipped with moto's reason,
and the variant whose contractor emails link to an internal host turns its item red."""

from __future__ import annotations

from pathlib import Path

import pytest

from checklists.runner import RunOptions, run_checklist
from checklists.verdict import ItemReport
from harness.target import local_reference_target
from reference_app.faults import fault_env
from tests.checklists.conftest import REPO_ROOT

pytestmark = pytest.mark.slow


def infrastructure(tmp_path: Path, env: dict[str, str] | None = None) -> dict[str, ItemReport]:
    with local_reference_target(servers=1, env=env) as target:
        options = RunOptions(report_dir=tmp_path / "report", only=["Infrastructure"], repo_root=REPO_ROOT)
        report = run_checklist(target, options)
    return {r.item.id: r for r in report.items}


def test_infrastructure_on_the_reference_stack(tmp_path: Path) -> None:
    items = infrastructure(tmp_path)
    for item_id in ("infra.migrations", "infra.ses-identity", "infra.public-app-url"):
        assert items[item_id].status.value == "passed", items[item_id].summary
    production = items["infra.ses-production-access"]
    assert production.status.value == "skipped"
    assert "does not implement sesv2 GetAccount" in production.summary
    assert items["infra.env-live-data"].status.value == "skipped"


def test_contractor_email_linking_to_an_internal_host_turns_red(tmp_path: Path) -> None:
    items = infrastructure(tmp_path, fault_env("checklist_dashboard_link_internal_host"))
    public_url = items["infra.public-app-url"]
    assert public_url.status.value == "failed"
    assert "contractor email links outside" in public_url.summary
    assert "http://booking-internal:8000/schedule" in public_url.summary
