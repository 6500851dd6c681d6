"""The README stays a front page: short, with the two quick-start commands, and every link in it
leading to a file of the repository (the site's build does not read the README)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
MAX_BYTES = 12_000
QUICK_START = ("```bash\nnox -s verify\n```", "```bash\nnox -s tests\n```")


def test_readme_is_under_12_kb() -> None:
    size = len(README.read_bytes())
    assert size < MAX_BYTES, f"README.md is {size} bytes; move detail into docs/"


def test_readme_shows_both_quick_start_commands() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [block for block in QUICK_START if block not in text]
    assert missing == [], f"README.md lacks {missing}"


def test_every_relative_link_in_the_readme_names_an_existing_file() -> None:
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", text)
    relative = [target for target in targets if "://" not in target]
    assert relative, "the README links into docs/"
    missing = [target for target in relative if not (ROOT / target).is_file()]
    assert missing == [], f"README.md links to files that do not exist: {missing}"
