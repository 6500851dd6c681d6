"""Sign-off files as the tests write them: one [[attestations]] or [[waivers]] entry each, with
plausible defaults; a field given as None is left out (a malformed entry)."""

from __future__ import annotations

_DATES = frozenset({"date", "expires"})  # TOML dates, written bare


def _entry(table: str, fields: dict[str, str | None]) -> str:
    lines = [f"[[{table}]]"]
    for key, value in fields.items():
        if value is not None:
            lines.append(f"{key} = {value}" if key in _DATES else f'{key} = "{value}"')
    return "\n" + "\n".join(lines) + "\n"


def attestation(item_id: str, **overrides: str | None) -> str:
    fields: dict[str, str | None] = {
        "id": item_id,
        "by": "Ada Lovelace",
        "role": "Engineering lead",
        "date": "2026-11-30",
        "evidence": "https://wiki.example.com/launch",
        "expires": "2027-01-31",
    }
    return _entry("attestations", {**fields, **overrides})


def waiver(item_id: str, **overrides: str | None) -> str:
    fields: dict[str, str | None] = {
        "id": item_id,
        "justification": "one engine on the build machine; Firefox runs on staging",
        "by": "Grace Hopper",
        "expires": "2027-01-31",
    }
    return _entry("waivers", {**fields, **overrides})
