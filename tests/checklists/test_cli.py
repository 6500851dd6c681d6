"""`python -m checklists run` as a launch pipeline calls it: exit codes, --gate, --only, the
four reports, and clear errors for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.adapters import reference_paths as paths
from tests.checklists.conftest import REPO_ROOT
from tests.checklists.route_server import Answer, RouteServer, serving
from tests.checklists.sign_off_files import attestation

pytestmark = pytest.mark.processes

CHECKLIST = """
title = "Small launch"

[[sections]]
name = "Monitoring"

[[sections.items]]
id = "monitoring.rollback-procedure"
text = "Rollback documented"
severity = "blocker"
check = "rollback_document"
params = {{ path = "{doc}", sections = ["Roll back"] }}

[[sections]]
name = "Team sign-off"

[[sections.items]]
id = "signoff.product"
text = "Product: features meet requirements"
severity = "blocker"
attested = true
"""
ATTESTATION = attestation(
    "signoff.product",
    by="Pat Product",
    role="Product owner",
    date="2026-01-01",
    evidence="https://wiki.example.com/sign-off",
    expires="2999-01-01",
)


# What a booking API's /health answers: the preflight knows the target by it.
HEALTHY = {
    "status": "ok",
    "database": "ok",
    "version": "1.0.0",
    "schema": {
        "applied": "0004_suppressions_and_limits",
        "latest": "0004_suppressions_and_limits",
        "pending": 0,
    },
}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    routes = RouteServer()
    routes.route("GET", paths.HEALTH, Answer(200, HEALTHY))
    with serving(routes) as url:
        yield url


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARNESS_")}
    return subprocess.run(
        [sys.executable, "-m", "checklists", "run", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_checklist(tmp_path: Path, doc_sections: str = "## Roll back the service\n") -> Path:
    doc = tmp_path / "rollback.md"
    doc.write_text(f"# Rollback\n\n{doc_sections}")
    path = tmp_path / "checklist.toml"
    path.write_text(CHECKLIST.format(doc=doc))
    return path


def test_ready_with_attestations_and_every_report_written(tmp_path: Path, base_url: str) -> None:
    attestations = tmp_path / "sign-offs.toml"
    attestations.write_text(ATTESTATION)
    report_dir = tmp_path / "report"
    done = run_cli(
        "--base-url", base_url, "--checklist", str(write_checklist(tmp_path)),
        "--attestations", str(attestations), "--report-dir", str(report_dir), "--gate",
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "READY" in done.stdout
    data = json.loads((report_dir / "readiness.json").read_text())
    assert data["verdict"] == "READY"
    assert [i["status"] for i in data["items"]] == ["passed", "attested"]
    assert "**READY**" in (report_dir / "readiness.md").read_text()
    assert 'data-testid="verdict">READY<' in (report_dir / "readiness.html").read_text()
    junit = ET.parse(report_dir / "junit.xml").getroot()
    assert [s.get("failures") for s in junit.iter("testsuite")] == ["0", "0"]


def test_not_ready_without_attestations_exits_1_only_with_gate(tmp_path: Path, base_url: str) -> None:
    checklist = str(write_checklist(tmp_path))
    gated = run_cli(
        "--base-url", base_url, "--checklist", checklist, "--report-dir", str(tmp_path / "a"), "--gate"
    )
    assert gated.returncode == 1, gated.stdout + gated.stderr
    assert "NOT READY: blocking signoff.product" in gated.stdout
    # Without --gate, only a failed automated check fails the command: awaiting sign-off does not.
    plain = run_cli("--base-url", base_url, "--checklist", checklist, "--report-dir", str(tmp_path / "b"))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "NOT READY: blocking signoff.product\n  awaiting sign-off: signoff.product\n" in plain.stdout
    assert "awaiting sign-off" in (tmp_path / "b" / "readiness.md").read_text()


def test_failed_check_exits_1_and_the_report_holds_the_evidence(tmp_path: Path, base_url: str) -> None:
    checklist = str(write_checklist(tmp_path, "## Something else\n"))
    done = run_cli("--base-url", base_url, "--checklist", checklist, "--report-dir", str(tmp_path / "r"))
    assert done.returncode == 1
    item = json.loads((tmp_path / "r" / "readiness.json").read_text())["items"][0]
    assert item["status"] == "failed" and "lacks the section(s) ['Roll back']" in item["summary"]
    junit = (tmp_path / "r" / "junit.xml").read_text()
    assert "<failure" in junit and "lacks the section" in junit


def test_only_runs_the_named_sections(tmp_path: Path, base_url: str) -> None:
    checklist = str(write_checklist(tmp_path))
    report_dir = str(tmp_path / "r")
    done = run_cli(
        "--base-url",
        base_url,
        "--checklist",
        checklist,
        "--report-dir",
        report_dir,
        "--only",
        "team sign-off",
    )
    items = json.loads((tmp_path / "r" / "readiness.json").read_text())["items"]
    assert done.returncode == 0 and [i["id"] for i in items] == ["signoff.product"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('severity = "blocker"\nattested', "severity must be 'blocker' or 'warning'"),
        ('check = "rollback_document"', "unknown check 'nonsense'"),
    ],
)
def test_bad_checklist_is_a_harness_error(tmp_path: Path, base_url: str, change: str, message: str) -> None:
    path = write_checklist(tmp_path)
    text = path.read_text()
    broken = change.replace('"blocker"', '"critical"') if "severity" in change else 'check = "nonsense"'
    path.write_text(text.replace(change, broken, 1))
    done = run_cli("--base-url", base_url, "--checklist", str(path), "--report-dir", str(tmp_path / "r"))
    assert done.returncode == 2
    assert message in done.stderr


def test_unreadable_attestations_file_is_a_harness_error(tmp_path: Path, base_url: str) -> None:
    bad = tmp_path / "sign-offs.toml"
    bad.write_text("[[attestations]\n")
    checklist = str(write_checklist(tmp_path))
    done = run_cli("--base-url", base_url, "--checklist", checklist, "--attestations", str(bad))
    assert done.returncode == 2 and "cannot parse attestations file" in done.stderr


def test_a_typo_in_a_sign_off_id_is_named_on_the_console(tmp_path: Path, base_url: str) -> None:
    attestations = tmp_path / "sign-offs.toml"
    attestations.write_text(ATTESTATION.replace('id = "signoff.product"', 'id = "signoff.prodcut"'))
    done = run_cli(
        "--base-url", base_url, "--checklist", str(write_checklist(tmp_path)),
        "--attestations", str(attestations), "--report-dir", str(tmp_path / "r"),
    )  # fmt: skip
    line = "attestation 'signoff.prodcut' refused: signoff.prodcut is not an item of this checklist"
    assert f"{line} (did you mean signoff.product?)" in " ".join(done.stderr.split()), done.stderr
    assert "automated items" not in done.stderr


def test_only_with_an_unknown_section_names_the_known_ones(tmp_path: Path) -> None:
    done = run_cli("--checklist", str(write_checklist(tmp_path)), "--only", "NoSuchSection")
    assert done.returncode == 2
    assert (
        "--only names unknown sections ['nosuchsection']; sections: ['Monitoring', 'Team sign-off']"
        in done.stderr
    )
    assert "starting the local reference stack" not in done.stderr + done.stdout
