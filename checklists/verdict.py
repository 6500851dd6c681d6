"""From check results and sign-offs to each item's status and the go / no-go verdict.

READY only when every blocker passed, is attested, or is waived by a valid waiver. A blocker
that is not applicable (the target's adapter lacks a capability its check needs) counts like one
that cannot be checked on this machine: it holds back READY until a waiver covers it, and it is
never a failure. Exit codes: 0 when no automated check failed (a NOT READY verdict whose
blockers only await sign-off, were skipped, are not applicable or cannot be checked on this
machine still exits 0), 1 when the target failed a check (or a check broke), 2 on a harness
error (the checklist could not run); with --gate, 0 only when READY, else 1. See
docs/checklist/verdicts.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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
    Outcome.CANNOT_CHECK_HERE: Status.CANNOT_CHECK_HERE,
    Outcome.NOT_APPLICABLE: Status.NOT_APPLICABLE,
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
    automated_failed: bool  # an automated check the target failed (not signed off, not waived)
    # Among the blockers: what the target failed (or a check broke on), what awaits a sign-off,
    # what this machine cannot check (id -> the finding, which names what to install), and what
    # does not apply to the target (id -> the finding, which names the missing capability).
    failed: list[str] = field(default_factory=list)
    awaiting_sign_off: list[str] = field(default_factory=list)
    cannot_check_here: dict[str, str] = field(default_factory=dict)
    not_applicable: dict[str, str] = field(default_factory=dict)
    # An automated check that broke (the harness's fault, or an answer it could not judge).
    check_broke: bool = False

    @property
    def label(self) -> str:
        return "READY" if self.ready else "NOT READY"

    def exit_code(self, *, gate: bool) -> int:
        """1 when the target failed an automated check. Else 2 when a check broke: that item has
        no verdict (harness/exit_codes.py). Else, with --gate, 0 only when READY; without, 0:
        NOT READY for want of sign-offs, of this machine's means or of the adapter's
        capabilities is not the target failing."""
        if self.automated_failed:
            return EXIT_FAILED
        if self.check_broke:
            return EXIT_HARNESS_ERROR
        if gate:
            return EXIT_OK if self.ready else EXIT_FAILED
        return EXIT_OK

    def lines(self) -> list[str]:
        """The verdict as the console prints it: the label, then what holds it back, by kind."""
        head = self.label + (f": blocking {', '.join(self.blockers)}" if self.blockers else "")
        lines = [head]
        if self.failed:
            lines.append(f"  failed: {', '.join(self.failed)}")
        if self.awaiting_sign_off:
            lines.append(f"  awaiting sign-off: {', '.join(self.awaiting_sign_off)}")
        lines += [
            f"  cannot be checked on this machine: {item_id}: {why}"
            for item_id, why in self.cannot_check_here.items()
        ]
        lines += [f"  not applicable: {item_id}: {why}" for item_id, why in self.not_applicable.items()]
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.label,
            "ready": self.ready,
            "blocking": self.blockers,
            "failed": self.failed,
            "awaitingSignOff": self.awaiting_sign_off,
            "cannotBeCheckedHere": self.cannot_check_here,
            "notApplicable": self.not_applicable,
            "counts": self.counts,
        }


def overall(reports: Sequence[ItemReport]) -> Verdict:
    counts: dict[str, int] = {}
    for report in reports:
        counts[report.label] = counts.get(report.label, 0) + 1
    blocking = [r for r in reports if r.blocks]
    judged = [r for r in reports if not r.item.attested and not r.waived]
    return Verdict(
        not blocking,
        [r.item.id for r in blocking],
        counts,
        any(r.status is Status.FAILED for r in judged),
        check_broke=any(r.status is Status.ERROR for r in judged),
        failed=[r.item.id for r in blocking if r.status in (Status.FAILED, Status.ERROR)],
        awaiting_sign_off=[r.item.id for r in blocking if r.status is Status.AWAITING_SIGN_OFF],
        cannot_check_here={r.item.id: r.summary for r in blocking if r.status is Status.CANNOT_CHECK_HERE},
        not_applicable={r.item.id: r.summary for r in blocking if r.status is Status.NOT_APPLICABLE},
    )
