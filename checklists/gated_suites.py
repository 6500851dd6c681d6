"""Which E2E suites a gated checklist run decides on, so CI runs each browser test once.

`nox -s verify -- --attestations F --gate` runs the E2E suites its Testing items read and fails
on any of them only where a blocker item reads it and no valid waiver excuses that item. CI's
browser step (`nox -s e2e_beside_verify`) runs every other E2E test: the suites the gate does
not decide on, and every suite's teeth (the checklist never runs those).

`python -m checklists.gated_suites [--attestations F]` prints that step's pytest marker
expression."""

from __future__ import annotations

import argparse
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path

from checklists.attestations import load_sign_offs
from checklists.checks import CHECKS
from checklists.checks.testing import e2e_suites_of
from checklists.definition import DEFAULT_CHECKLIST, load_checklist
from checklists.model import Severity
from checklists.suites import e2e_marker


def gated_e2e_suites(checklist: Path, attestations: Path | None, today: datetime) -> set[int]:
    """The E2E suites of blocker items no valid waiver excuses: a failure in one fails the gate."""
    items = load_checklist(checklist, CHECKS.keys()).items
    sign_offs = load_sign_offs(
        attestations,
        attested_ids={i.id for i in items if i.attested},
        automated_ids={i.id for i in items if not i.attested},
        today=today.date(),
    )
    suites: set[int] = set()
    for item in items:
        waiver = sign_offs.waivers.get(item.id)
        if item.severity is Severity.BLOCKER and not (waiver is not None and waiver.valid):
            suites |= e2e_suites_of(item)
    return suites


def marker_beside(gated: Collection[int]) -> str:
    """Every E2E test the gated run does not judge: the complement of its own selection."""
    return f"not ({e2e_marker(gated)})" if gated else "e2e_teeth or not e2e_teeth"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checklists.gated_suites", description=__doc__)
    parser.add_argument("--checklist", type=Path, default=DEFAULT_CHECKLIST, help="checklist TOML")
    parser.add_argument("--attestations", type=Path, help="the sign-offs the gated run is given")
    args = parser.parse_args(argv)
    print(marker_beside(gated_e2e_suites(args.checklist, args.attestations, datetime.now(UTC))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
