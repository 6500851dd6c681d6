"""The shipped checklist holds every item of the pre-production checklist and sign-off, each
either a registered check or an attested item; a broken file is refused with a clear error."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checklists.attestations import load_sign_offs
from checklists.checks import CHECKS
from checklists.definition import DEFAULT_CHECKLIST, ChecklistError, load_checklist
from checklists.model import Severity

EXAMPLE_SIGN_OFFS = DEFAULT_CHECKLIST.parent / "examples" / "local-sign-offs.toml"


def test_shipped_checklist_covers_every_section_and_sign_off() -> None:
    checklist = load_checklist(DEFAULT_CHECKLIST, CHECKS.keys())
    assert checklist.sections == [
        "Infrastructure",
        "Testing",
        "Monitoring",
        "Team readiness",
        "Team sign-off",
    ]
    attested = [i.id for i in checklist.items if i.attested]
    assert [i for i in attested if i.startswith("signoff.")] == [
        "signoff.engineering",
        "signoff.product",
        "signoff.operations",
        "signoff.support",
        "signoff.management",
    ]
    assert all(i.section in ("Team readiness", "Team sign-off") for i in checklist.items if i.attested)
    automated = {i.id: i.check for i in checklist.items if not i.attested}
    assert automated["infra.cors"] == "cors_restricted"
    assert automated["testing.browsers"] == "browser_engines"
    assert len(checklist.items) == 30
    assert all(i.severity in (Severity.BLOCKER, Severity.WARNING) for i in checklist.items)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title = 'x'\n", "no [[sections]]"),
        (
            '[[sections]]\nname = "A"\n[[sections.items]]\nid = "a"\ntext = "t"\nseverity = "blocker"\n',
            "either",
        ),
        (
            '[[sections]]\nname = "A"\n[[sections.items]]\nid = "a"\ntext = "t"\nseverity = "blocker"\n'
            'attested = true\n[[sections.items]]\nid = "a"\ntext = "u"\nseverity = "warning"\n'
            "attested = true\n",
            "appears twice",
        ),
        (
            '[[sections]]\nname = "A"\n[[sections.items]]\nid = "a"\ntext = "t"\nseverity = "blocker"\n'
            "attested = true\nowner = 'me'\n",
            "unknown keys ['owner']",
        ),
        ("[[sections]\n", "cannot read checklist"),
    ],
)
def test_broken_checklists_are_refused(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ChecklistError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_checklist(path, CHECKS.keys())


def test_only_refuses_an_unknown_section() -> None:
    checklist = load_checklist(DEFAULT_CHECKLIST, CHECKS.keys())
    assert {i.section for i in checklist.only(["testing", "MONITORING"]).items} == {"Testing", "Monitoring"}
    with pytest.raises(ChecklistError, match="unknown sections"):
        checklist.only(["Testing", "Marketing"])


def test_example_sign_offs_attest_every_sign_off_item_and_waive_only_automated_ones() -> None:
    checklist = load_checklist(DEFAULT_CHECKLIST, CHECKS.keys())
    attested = {i.id for i in checklist.items if i.attested}
    sign_offs = load_sign_offs(
        EXAMPLE_SIGN_OFFS,
        attested_ids=attested,
        automated_ids={i.id for i in checklist.items if not i.attested},
        today=date(2026, 12, 2),
    )
    assert not sign_offs.refused
    assert set(sign_offs.attestations) == attested
    assert all(entry.valid for entry in [*sign_offs.attestations.values(), *sign_offs.waivers.values()])
    assert set(sign_offs.waivers) == {
        "infra.env-live-data",
        "infra.ses-production-access",
    }
