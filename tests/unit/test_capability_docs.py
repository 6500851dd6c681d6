"""The capability table of docs/adapters/your-system.md says what the code does: a row for every
capability of the model, and each check named in the row of every capability it needs (the
`needs=` of its registration, checklists/checks/). A capability added, or a check's needs
changed, without the table following fails here."""

from __future__ import annotations

import re
from pathlib import Path

from checklists.checks import NEEDS
from harness.model import Capability

PAGE = Path(__file__).resolve().parents[2] / "docs" / "adapters" / "your-system.md"
ROW = re.compile(r"^\| ((?:`[a-z-]+`(?:, )?)+) \| (.+) \| (.+) \|$")


def rows() -> dict[str, str]:
    """Capability -> the text of its row's last column (a row may name several capabilities)."""
    found: dict[str, str] = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            for name in re.findall(r"`([a-z-]+)`", match[1]):
                found[name] = match[3]
    return found


def test_every_capability_has_a_row_and_no_row_names_another() -> None:
    assert set(rows()) == {capability.value for capability in Capability}


def test_each_check_is_named_in_the_row_of_every_capability_it_needs() -> None:
    table = rows()
    missing = [
        f"{check} in the {capability.value} row"
        for check, needs in NEEDS.items()
        for capability in needs
        if f"`{check}`" not in table[capability.value]
    ]
    assert not missing, missing
