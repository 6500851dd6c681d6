"""What a checklist is made of: items, the result of a check, and an item's final status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    BLOCKER = "blocker"
    WARNING = "warning"


class Outcome(StrEnum):
    """What an automated check found."""

    PASSED = "passed"
    FAILED = "failed"
    # The check could not be judged here (e.g. moto lacks the API); the reason says why.
    SKIPPED = "skipped"
    # This machine lacks what the check needs (e.g. a browser engine): the target was not
    # judged, and the summary names what to install. Blocks READY; never a failure.
    CANNOT_CHECK_HERE = "cannot be checked on this machine"
    # The target's adapter lacks a capability the check needs (harness/model.py Capability):
    # the target was not judged, and the summary names the capability. Blocks READY unless a
    # waiver covers it; never a failure.
    NOT_APPLICABLE = "not applicable"
    # The check itself broke (an exception): counted as a failure, shown apart.
    ERROR = "error"


class Status(StrEnum):
    """An item's status after attestations and waivers are applied."""

    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANNOT_CHECK_HERE = "cannot be checked on this machine"
    NOT_APPLICABLE = "not applicable"
    ERROR = "error"
    ATTESTED = "attested"
    AWAITING_SIGN_OFF = "awaiting sign-off"


@dataclass(frozen=True)
class Item:
    id: str
    section: str
    text: str
    severity: Severity
    # The named check (see checklists/checks/) and its parameters; None means "attested".
    check: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def attested(self) -> bool:
        return self.check is None


@dataclass
class Evidence:
    """One piece of evidence: what was asked (a request, an API call, a file) and what came back."""

    label: str
    detail: Any

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "detail": self.detail}


@dataclass
class CheckResult:
    outcome: Outcome
    summary: str
    evidence: list[Evidence] = field(default_factory=list)
    # Files the check produced or read (reports, traces), relative to the report directory.
    links: dict[str, str] = field(default_factory=dict)

    @classmethod
    def passed(cls, summary: str, *evidence: Evidence) -> CheckResult:
        return cls(Outcome.PASSED, summary, list(evidence))

    @classmethod
    def failed(cls, summary: str, *evidence: Evidence) -> CheckResult:
        return cls(Outcome.FAILED, summary, list(evidence))

    @classmethod
    def skipped(cls, summary: str, *evidence: Evidence) -> CheckResult:
        return cls(Outcome.SKIPPED, summary, list(evidence))

    @classmethod
    def cannot_check_here(cls, summary: str, *evidence: Evidence) -> CheckResult:
        return cls(Outcome.CANNOT_CHECK_HERE, summary, list(evidence))

    @classmethod
    def not_applicable(cls, summary: str, *evidence: Evidence) -> CheckResult:
        return cls(Outcome.NOT_APPLICABLE, summary, list(evidence))

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "summary": self.summary,
            "evidence": [e.to_json() for e in self.evidence],
            "links": self.links,
        }


def judged(failures: list[str], ok_summary: str, evidence: list[Evidence]) -> CheckResult:
    """Pass with ok_summary when nothing failed, else fail naming every failure."""
    if failures:
        return CheckResult(Outcome.FAILED, "; ".join(failures), evidence)
    return CheckResult(Outcome.PASSED, ok_summary, evidence)
