"""From check results and sign-offs to each item's status and the go / no-go verdict.

READY only when every blocker passed, is attested, or is waived by a valid waiver. Exit codes:
0 when no automated check failed, 1 when one did, 2 on a harness error (the checklist could not
run); with --gate, 0 only when READY.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from checklists.attestations import SignOff, SignOffs
from checklists.model import CheckResult, Item, Outcome, Severity, Status

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_HARNESS_ERROR = 2


@dataclass
class ItemReport:
    item: Item
    status: Status
    summary: str
    result: CheckResult | None = None
    sign_off: SignOff | None = None
    waiver: SignOff | None = None
    seconds: float = 0.0

    @property
    def waived(self) -> bool:
        return self.waiver is not None and self.waiver.valid

    @property
    def satisfied(self) -> bool:
        """Counts towards READY: passed, attested, or waived."""
        return self.status in (Status.PASSED, Status.ATTESTED) or self.waived

    @property
    def blocks(self) -> bool:
        return self.item.severity is Severity.BLOCKER and not self.satisfied

    @property
    def label(self) -> str:
        return f"{self.status.value} (waived)" if self.waived else self.status.value

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.item.id,
            "section": self.item.section,
            "text": self.item.text,
            "severity": self.item.severity.value,
            "kind": "attested" if self.item.attested else "automated",
            "check": self.item.check,
            "params": dict(self.item.params),
            "status": self.status.value,
            "waived": self.waived,
            "blocks": self.blocks,
            "summary": self.summary,
            "seconds": round(self.seconds, 2),
            "result": self.result.to_json() if self.result else None,
            "attestation": self.sign_off.to_json() if self.sign_off else None,
            "waiver": self.waiver.to_json() if self.waiver else None,
        }


_OUTCOME_STATUS = {
    Outcome.PASSED: Status.PASSED,
    Outcome.FAILED: Status.FAILED,
    Outcome.SKIPPED: Status.SKIPPED,
    Outcome.ERROR: Status.ERROR,
}


def attested_item(item: Item, sign_offs: SignOffs) -> ItemReport:
    entry = sign_offs.attestations.get(item.id)
    if entry is None:
        reason = "no attestation in the file" if sign_offs.source else "no attestations file given"
        return ItemReport(item, Status.AWAITING_SIGN_OFF, f"awaiting sign-off: {reason}")
    if not entry.valid:
        return ItemReport(
            item, Status.AWAITING_SIGN_OFF, f"awaiting sign-off: {entry.problem}", sign_off=entry
        )
    fields = entry.fields
    summary = f"attested by {fields['by']} ({fields['role']}) on {fields['date']}, until {fields['expires']}"
    return ItemReport(item, Status.ATTESTED, summary, sign_off=entry)


def automated_item(item: Item, result: CheckResult, sign_offs: SignOffs, seconds: float = 0.0) -> ItemReport:
    report = ItemReport(item, _OUTCOME_STATUS[result.outcome], result.summary, result, seconds=seconds)
    waiver = sign_offs.waivers.get(item.id)
    if waiver is not None:
        report.waiver = waiver
        if waiver.valid:
            report.summary += f" [waived by {waiver.fields['by']}: {waiver.fields['justification']}]"
        else:
            report.summary += f" [waiver not applied: {waiver.problem}]"
    return report


@dataclass
class Verdict:
    ready: bool
    blockers: list[str]
    counts: dict[str, int]
    automated_failed: bool

    @property
    def label(self) -> str:
        return "READY" if self.ready else "NOT READY"

    def exit_code(self, *, gate: bool) -> int:
        if gate:
            return EXIT_OK if self.ready else EXIT_FAILED
        return EXIT_FAILED if self.automated_failed else EXIT_OK

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.label,
            "ready": self.ready,
            "blocking": self.blockers,
            "counts": self.counts,
        }


def overall(reports: Sequence[ItemReport]) -> Verdict:
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.label] = counts.get(report.label, 0) + 1
    blockers = [r.item.id for r in reports if r.blocks]
    failed = any(
        r.status in (Status.FAILED, Status.ERROR) for r in reports if not r.item.attested and not r.waived
    )
    return Verdict(not blockers, blockers, counts, failed)
