"""Reading a checklist file (TOML) into items, refusing anything ambiguous with a clear error."""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checklists.model import Item, Severity

DEFAULT_CHECKLIST = Path(__file__).with_name("preproduction.toml")


class ChecklistError(ValueError):
    """The checklist file cannot be used as it is."""


@dataclass(frozen=True)
class Checklist:
    title: str
    items: tuple[Item, ...]
    source: str

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(item.section for item in self.items))

    def only(self, sections: Sequence[str]) -> Checklist:
        """The items of the named sections (case-insensitive); an unknown name is an error."""
        wanted = {name.strip().lower() for name in sections if name.strip()}
        known = {name.lower() for name in self.sections}
        unknown = sorted(wanted - known)
        if unknown:
            raise ChecklistError(f"--only names unknown sections {unknown}; sections: {self.sections}")
        items = tuple(item for item in self.items if item.section.lower() in wanted)
        return Checklist(self.title, items, self.source)

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)


def _item(raw: Any, section: str, where: str, known_checks: Collection[str]) -> Item:
    if not isinstance(raw, dict):
        raise ChecklistError(f"{where}: an item must be a table")
    missing = [key for key in ("id", "text", "severity") if not raw.get(key)]
    if missing:
        raise ChecklistError(f"{where}: item lacks {missing}")
    item_id = str(raw["id"])
    try:
        severity = Severity(raw["severity"])
    except ValueError:
        raise ChecklistError(
            f"{where} ({item_id}): severity must be 'blocker' or 'warning', got {raw['severity']!r}"
        ) from None
    check, attested = raw.get("check"), raw.get("attested", False)
    if bool(check) == bool(attested):
        raise ChecklistError(f'{where} ({item_id}): give either check = "name" or attested = true')
    if check and check not in known_checks:
        raise ChecklistError(f"{where} ({item_id}): unknown check {check!r}; known: {sorted(known_checks)}")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise ChecklistError(f"{where} ({item_id}): params must be a table")
    unknown_keys = sorted(set(raw) - {"id", "text", "severity", "check", "attested", "params"})
    if unknown_keys:
        raise ChecklistError(f"{where} ({item_id}): unknown keys {unknown_keys}")
    return Item(item_id, section, str(raw["text"]), severity, str(check) if check else None, params)


def load_checklist(path: str | Path, known_checks: Collection[str]) -> Checklist:
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ChecklistError(f"cannot read checklist {path}: {exc}") from exc
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        raise ChecklistError(f"{path}: no [[sections]]")
    items: list[Item] = []
    for s_index, section in enumerate(sections):
        name = section.get("name") if isinstance(section, dict) else None
        if not name:
            raise ChecklistError(f"{path}: section #{s_index + 1} has no name")
        for i_index, raw in enumerate(section.get("items") or []):
            items.append(_item(raw, str(name), f"{path}: {name} item #{i_index + 1}", known_checks))
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ChecklistError(f"{path}: item id {item.id!r} appears twice")
        seen.add(item.id)
    return Checklist(str(data.get("title") or "Checklist"), tuple(items), str(path))
