"""`load run --help`, `checklists run --help` and `harness race --help` name every option with
its default, and the exit-codes page documents exactly those options with the same defaults."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from checklists.__main__ import build_parser as checklists_parser
from harness.__main__ import parser as harness_parser
from load.__main__ import build_parser as load_parser

PAGE = Path(__file__).resolve().parents[2] / "docs" / "reference" / "exit-codes.md"
SECTIONS = {
    "load": "## `python -m load run`",
    "checklists": "## `python -m checklists run`",
    "harness": "## `python -m harness race`",
}


def run_parser(cli: str) -> argparse.ArgumentParser:
    parser = {"load": load_parser, "checklists": checklists_parser, "harness": harness_parser}[cli]()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices["race" if cli == "harness" else "run"]


def documented_rows(cli: str) -> dict[str, str]:
    """Each option's table row of the CLI's section, by its first option string."""
    text = PAGE.read_text(encoding="utf-8")
    start = text.index(SECTIONS[cli])
    following = text.find("\n## ", start + 1)
    end = following if following > 0 else len(text)
    rows = {}
    for line in text[start:end].splitlines():
        match = re.match(r"\| `(--[a-z-]+)`", line)
        if match:
            rows[match[1]] = line
    return rows


def help_default(parser: argparse.ArgumentParser, action: argparse.Action) -> str | None:
    formatter = parser._get_formatter()
    text = formatter._expand_help(action) if action.help else ""
    found = re.search(r"default: ([^)]*)\)", text)
    return found[1] if found else None


@pytest.mark.parametrize("cli", sorted(SECTIONS))
def test_every_option_is_documented_with_its_default(cli: str) -> None:
    parser = run_parser(cli)
    rows = documented_rows(cli)
    options = [a for a in parser._actions if a.option_strings and a.dest != "help"]
    for action in options:
        name = next(s for s in action.option_strings if s.startswith("--"))
        assert name in rows, f"{name} of {cli} run is not in {PAGE.name}"
        default = help_default(parser, action)
        if action.required:
            assert "required" in action.help and "required" in rows[name]
            continue
        assert default, f"{name}: --help names no default"
        cell = rows[name].split("|")[2].strip().replace("&lt;", "<").replace("&gt;", ">").replace("`", "")
        assert cell == default, f"{name}: --help says default {default!r}, the page says {cell!r}"
    known = {s for a in options for s in a.option_strings}
    assert set(rows) <= known, f"the page documents options {cli} run does not have: {set(rows) - known}"


@pytest.mark.parametrize("cli", sorted(SECTIONS))
def test_help_lists_a_default_for_every_option(cli: str) -> None:
    text = run_parser(cli).format_help()
    for action in run_parser(cli)._actions:
        if action.option_strings and action.dest != "help":
            name = next(s for s in action.option_strings if s.startswith("--"))
            assert name in text
