"""From item statuses to the verdict, what the console says of it, and the exit code: NOT READY
for want of sign-offs or of this machine's means exits 0 (1 with --gate); a check the target
failed exits 1 either way."""

from __future__ import annotations

from checklists.attestations import SignOffs
from checklists.model import CheckResult, Item, Outcome, Severity
from checklists.verdict import (
    EXIT_FAILED,
    EXIT_HARNESS_ERROR,
    EXIT_OK,
    ItemReport,
    attested_item,
    automated_item,
    overall,
)

NO_SIGN_OFFS = SignOffs()
INSTALL = "apt-get install webkit2gtk-driver xvfb"


def automated(
    item_id: str, outcome: Outcome, summary: str = "", severity: Severity = Severity.BLOCKER
) -> ItemReport:
    item = Item(item_id, "Testing", item_id, severity, check="some_check")
    return automated_item(item, CheckResult(outcome, summary or outcome.value), NO_SIGN_OFFS)


def awaiting(item_id: str) -> ItemReport:
    return attested_item(Item(item_id, "Team sign-off", item_id, Severity.BLOCKER), NO_SIGN_OFFS)


BROWSERS_HERE = automated(
    "testing.browsers",
    Outcome.CANNOT_CHECK_HERE,
    f"E2E suite 10 passed on 1 engine(s) (chromium), 2 needed; webkitgtk cannot run here ({INSTALL})",
)


def test_awaiting_sign_off_and_cannot_check_here_block_ready_but_exit_0_without_gate() -> None:
    verdict = overall(
        [automated("service.health", Outcome.PASSED), awaiting("signoff.product"), BROWSERS_HERE]
    )
    assert not verdict.ready and verdict.blockers == ["signoff.product", "testing.browsers"]
    assert verdict.exit_code(gate=False) == EXIT_OK
    assert verdict.exit_code(gate=True) == EXIT_FAILED
    assert verdict.awaiting_sign_off == ["signoff.product"] and not verdict.failed
    assert verdict.lines() == [
        "NOT READY: blocking signoff.product, testing.browsers",
        "  awaiting sign-off: signoff.product",
        f"  cannot be checked on this machine: testing.browsers: {BROWSERS_HERE.summary}",
    ]
    assert verdict.to_json()["cannotBeCheckedHere"] == {"testing.browsers": BROWSERS_HERE.summary}
    assert verdict.counts == {"passed": 1, "awaiting sign-off": 1, "cannot be checked on this machine": 1}


def test_a_failed_check_exits_1_with_or_without_gate() -> None:
    verdict = overall(
        [automated("service.health", Outcome.FAILED), awaiting("signoff.product"), BROWSERS_HERE]
    )
    assert verdict.exit_code(gate=False) == EXIT_FAILED
    assert verdict.exit_code(gate=True) == EXIT_FAILED
    assert verdict.failed == ["service.health"]
    assert verdict.lines()[1] == "  failed: service.health"


def test_a_broken_check_is_no_verdict_exit_2_unless_another_check_failed() -> None:
    """An item in error has no verdict: exit 2 (harness/exit_codes.py), with or without --gate;
    a check the target failed beside it still decides: exit 1."""
    broken = automated("service.health", Outcome.ERROR)
    verdict = overall([broken, awaiting("signoff.product")])
    assert not verdict.ready and verdict.failed == ["service.health"]
    assert (verdict.exit_code(gate=False), verdict.exit_code(gate=True)) == (EXIT_HARNESS_ERROR,) * 2
    both = overall([broken, automated("service.cors", Outcome.FAILED)])
    assert (both.exit_code(gate=False), both.exit_code(gate=True)) == (EXIT_FAILED,) * 2


def test_a_failed_warning_does_not_block_ready_but_still_exits_1() -> None:
    verdict = overall([automated("infra.cost", Outcome.FAILED, severity=Severity.WARNING)])
    assert verdict.ready and verdict.lines() == ["READY"]
    assert verdict.exit_code(gate=False) == EXIT_FAILED


def test_a_skipped_blocker_is_not_ready_and_not_a_failure() -> None:
    verdict = overall([automated("infra.ses-production-access", Outcome.SKIPPED)])
    assert not verdict.ready
    assert (verdict.exit_code(gate=False), verdict.exit_code(gate=True)) == (EXIT_OK, EXIT_FAILED)


def test_ready_exits_0_either_way() -> None:
    verdict = overall([automated("testing.browsers", Outcome.PASSED)])
    assert verdict.ready and verdict.lines() == ["READY"]
    assert (verdict.exit_code(gate=False), verdict.exit_code(gate=True)) == (EXIT_OK, EXIT_OK)
