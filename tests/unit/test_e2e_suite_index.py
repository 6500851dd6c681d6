"""The documentation's E2E suite index (docs/e2e/suite-index.md) names every browser test of
e2e/suites.py, and only those: the index is what a team reads to know which seed case each test
automates."""

from __future__ import annotations

import re
from pathlib import Path

from e2e.suites import CASES

ROOT = Path(__file__).resolve().parents[2]


SUITE_INDEX = ROOT / "docs" / "e2e" / "suite-index.md"


def suite_index() -> str:
    return SUITE_INDEX.read_text(encoding="utf-8")


def test_every_mapped_test_is_in_the_suite_index_page_and_nothing_else() -> None:
    # The teeth tests are filed under their suites too; the teeth matrix lists them.
    suite_tests = {name for name, case in CASES.items() if not case.text.startswith("Teeth")}
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", suite_index()))
    assert suite_tests - named == set(), "tests missing from docs/e2e/suite-index.md"
    assert named - suite_tests == set(), "docs/e2e/suite-index.md names tests e2e/suites.py does not"
