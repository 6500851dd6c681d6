"""The README's E2E suite index names every browser test of e2e/suites.py, and only those:
the index is what a team reads to know which seed case each test automates."""

from __future__ import annotations

import re
from pathlib import Path

from e2e.suites import CASES

ROOT = Path(__file__).resolve().parents[2]


def suite_index() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("#### Suite index")
    end = readme.index("\n#### ", start + 1)
    return readme[start:end]


def test_every_mapped_test_is_in_the_readme_index_and_nothing_else() -> None:
    # The teeth tests are filed under their suites too; the README lists them in their own table.
    suite_tests = {name for name, case in CASES.items() if not case.text.startswith("Teeth")}
    named = set(re.findall(r"`(test_[a-z0-9_]+)`", suite_index()))
    assert suite_tests - named == set(), "tests missing from the README's suite index"
    assert named - suite_tests == set(), "the README's suite index names tests e2e/suites.py does not"
