"""Whether a check applies to the target: the capabilities of the target's adapter it needs
(harness/model.py Capability). A check whose capability the adapter lacks is *not applicable*,
naming the missing capability: never passed, never failed. Like "cannot be checked on this
machine", a not-applicable blocker holds back READY until a waiver in the attestations file
covers it (docs/checklist/verdicts.md)."""

from __future__ import annotations

from collections.abc import Iterable

from checklists.model import CheckResult, Evidence
from harness.model import Capability


def lacking(needs: Iterable[Capability], declared: Iterable[Capability]) -> list[Capability]:
    """The capabilities of `needs` the adapter does not declare, in the model's order."""
    wanted, offered = set(needs), set(declared)
    return [capability for capability in Capability if capability in wanted - offered]


def not_applicable(
    adapter: str, missing: Iterable[Capability], declared: Iterable[Capability], what: str = ""
) -> CheckResult:
    """The result of a check (or of `what`, one part of it) the adapter cannot serve."""
    names = [capability.value for capability in missing]
    part = f"{what} not applicable: " if what else ""
    return CheckResult.not_applicable(
        f"{part}the {adapter} adapter does not offer {', '.join(names)}",
        Evidence(
            f"{what + ': ' if what else ''}missing capability",
            {"adapter": adapter, "missing": names, "declared": sorted(c.value for c in declared)},
        ),
    )
