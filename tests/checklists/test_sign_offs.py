"""Attestations and waivers: what counts, what is refused, and how they change the verdict."""

from __future__ import annotations

from pathlib import Path

import pytest

from checklists.attestations import AttestationFileError, SignOffs, load_sign_offs
from checklists.model import CheckResult, Item, Outcome, Severity, Status
from checklists.verdict import EXIT_FAILED, EXIT_OK, attested_item, automated_item, overall
from tests.checklists.conftest import TODAY
from tests.checklists.sign_off_files import attestation, waiver

SIGNOFF = Item("signoff.engineering", "Team sign-off", "Engineering", Severity.BLOCKER)
BROWSERS = Item("testing.browsers", "Testing", "2+ browsers", Severity.BLOCKER, check="browser_engines")


def sign_offs_from(tmp_path: Path, text: str, name: str = "sign-offs.toml") -> SignOffs:
    path = tmp_path / name
    path.write_text(text)
    return load_sign_offs(path, attested_ids={SIGNOFF.id}, automated_ids={BROWSERS.id}, today=TODAY)


def test_valid_attestation_counts(tmp_path: Path) -> None:
    report = attested_item(SIGNOFF, sign_offs_from(tmp_path, attestation(SIGNOFF.id)))
    assert report.status is Status.ATTESTED
    assert "Ada Lovelace (Engineering lead)" in report.summary
    assert not report.blocks


def test_expired_attestation_awaits_sign_off(tmp_path: Path) -> None:
    report = attested_item(SIGNOFF, sign_offs_from(tmp_path, attestation(SIGNOFF.id, expires="2026-12-01")))
    assert report.status is Status.AWAITING_SIGN_OFF
    assert report.summary == "awaiting sign-off: attestation expired on 2026-12-01"
    assert report.blocks
    assert not overall([report]).ready


def test_malformed_attestation_awaits_sign_off_naming_the_gap(tmp_path: Path) -> None:
    text = attestation(SIGNOFF.id, evidence=None)
    report = attested_item(SIGNOFF, sign_offs_from(tmp_path, text))
    assert report.status is Status.AWAITING_SIGN_OFF
    assert "attestation lacks evidence" in report.summary


def test_future_dated_attestation_awaits_sign_off(tmp_path: Path) -> None:
    text = attestation(SIGNOFF.id, date="2026-12-25")
    report = attested_item(SIGNOFF, sign_offs_from(tmp_path, text))
    assert report.status is Status.AWAITING_SIGN_OFF and "in the future" in report.summary


def test_missing_attestation_awaits_sign_off(tmp_path: Path) -> None:
    report = attested_item(SIGNOFF, sign_offs_from(tmp_path, ""))
    assert report.summary == "awaiting sign-off: no attestation in the file"


def test_attestation_for_an_automated_item_is_refused(tmp_path: Path) -> None:
    text = attestation(BROWSERS.id)
    sign_offs = sign_offs_from(tmp_path, text)
    assert not sign_offs.attestations
    [refused] = sign_offs.refused
    assert "automated items are checked by the machine" in str(refused.problem)


def test_waiver_for_a_sign_off_item_is_refused(tmp_path: Path) -> None:
    sign_offs = sign_offs_from(tmp_path, waiver(SIGNOFF.id))
    [refused] = sign_offs.refused
    assert "attest it instead" in str(refused.problem)


FAILED_BROWSERS = CheckResult(Outcome.FAILED, "E2E suite 10 passed on 1 engine(s) (chromium), 2 needed")


def test_waiver_keeps_the_real_result_and_stops_blocking(tmp_path: Path) -> None:
    sign_offs = sign_offs_from(tmp_path, waiver(BROWSERS.id))
    report = automated_item(BROWSERS, FAILED_BROWSERS, sign_offs)
    assert report.status is Status.FAILED and report.waived and report.label == "failed (waived)"
    assert "waived by Grace Hopper" in report.summary
    verdict = overall([report])
    assert (
        verdict.ready and verdict.exit_code(gate=True) == EXIT_OK and verdict.exit_code(gate=False) == EXIT_OK
    )


def test_expired_waiver_blocks_again(tmp_path: Path) -> None:
    sign_offs = sign_offs_from(tmp_path, waiver(BROWSERS.id, expires="2026-11-01"))
    report = automated_item(BROWSERS, FAILED_BROWSERS, sign_offs)
    assert not report.waived and report.blocks
    assert "waiver not applied: waiver expired on 2026-11-01" in report.summary
    verdict = overall([report])
    assert not verdict.ready and verdict.exit_code(gate=False) == EXIT_FAILED


def test_yaml_file_reads_like_toml(tmp_path: Path) -> None:
    text = (
        "attestations:\n"
        "  - {id: signoff.engineering, by: Ada, role: Lead, date: 2026-11-30,\n"
        "     evidence: 'https://x', expires: 2027-01-31}\n"
        "waivers:\n"
        "  - {id: testing.browsers, justification: one engine, by: Grace, expires: '2027-01-31'}\n"
    )
    sign_offs = sign_offs_from(tmp_path, text, "sign-offs.yaml")
    assert sign_offs.attestations[SIGNOFF.id].valid
    assert sign_offs.waivers[BROWSERS.id].valid


@pytest.mark.parametrize("text", ["[[attestations]\nid=", "attestations = 3\n", "surprise = []\n"])
def test_unreadable_file_is_a_clear_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(AttestationFileError):
        sign_offs_from(tmp_path, text)


def test_warning_items_never_block() -> None:
    warning = Item("team.on-call", "Team readiness", "On-call", Severity.WARNING)
    report = attested_item(warning, SignOffs())
    assert report.status is Status.AWAITING_SIGN_OFF and not report.blocks
    assert overall([report]).ready
