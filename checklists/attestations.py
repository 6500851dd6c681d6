"""People's sign-offs (attestations) and accepted exceptions (waivers), from a TOML or YAML file.

    [[attestations]]                       # an item only a person can check
    id = "signoff.engineering"
    by = "Ada Lovelace"
    role = "Engineering lead"
    date = 2026-12-01
    evidence = "https://wiki.example.com/launch/review"
    expires = 2027-01-31

    [[waivers]]                            # an automated item the team accepts failing
    id = "infra.ses-production-access"
    justification = "the local stack's SES is moto; production access is checked on AWS"
    by = "Grace Hopper"
    expires = 2027-01-31

A missing, malformed or expired attestation leaves its item awaiting sign-off, saying why. An
automated item cannot be attested (the machine checks it) and an attested item cannot be waived:
such entries are refused and reported. A waived item still runs and shows its real result; it
no longer blocks until the waiver expires.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

ATTESTATION_FIELDS = ("id", "by", "role", "date", "evidence", "expires")
WAIVER_FIELDS = ("id", "justification", "by", "expires")


class AttestationFileError(ValueError):
    """The file cannot be read at all (as opposed to one bad entry, which is reported)."""


@dataclass(frozen=True)
class SignOff:
    """One entry of the file, checked: `problem` is None when it can count."""

    kind: str  # "attestation" or "waiver"
    item_id: str
    fields: dict[str, str]
    problem: str | None = None

    @property
    def valid(self) -> bool:
        return self.problem is None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.item_id, **self.fields, "problem": self.problem}


@dataclass
class SignOffs:
    source: str | None = None
    attestations: dict[str, SignOff] = field(default_factory=dict)
    waivers: dict[str, SignOff] = field(default_factory=dict)
    # Entries refused outright (unknown item, wrong kind for the item, duplicates).
    refused: list[SignOff] = field(default_factory=list)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _check_entry(kind: str, raw: Any, today: date) -> SignOff:
    if not isinstance(raw, dict):
        return SignOff(kind, "?", {}, f"{kind} entry is not a table/mapping: {raw!r}")
    required = ATTESTATION_FIELDS if kind == "attestation" else WAIVER_FIELDS
    fields = {key: str(value) for key, value in raw.items()}
    item_id = fields.get("id", "?")
    missing = [key for key in required if not str(raw.get(key, "")).strip()]
    if missing:
        return SignOff(kind, item_id, fields, f"{kind} lacks {', '.join(missing)}")
    expires = _as_date(raw["expires"])
    if expires is None:
        return SignOff(kind, item_id, fields, f"{kind} expiry {raw['expires']!r} is not a date (YYYY-MM-DD)")
    if kind == "attestation":
        signed = _as_date(raw["date"])
        if signed is None:
            return SignOff(kind, item_id, fields, f"attestation date {raw['date']!r} is not a date")
        if signed > today:
            return SignOff(kind, item_id, fields, f"attestation is dated {signed}, in the future")
    if expires < today:
        return SignOff(kind, item_id, fields, f"{kind} expired on {expires}")
    return SignOff(kind, item_id, fields)


def _read_raw(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AttestationFileError(f"cannot read attestations file {path}: {exc}") from exc
    try:
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text) or {}
        else:
            data = tomllib.loads(text)
    except Exception as exc:  # any parser's error: the file as a whole is unusable
        raise AttestationFileError(f"cannot parse attestations file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise AttestationFileError(f"{path}: expected 'attestations' and 'waivers' lists at the top")
    unknown = sorted(set(data) - {"attestations", "waivers"})
    if unknown:
        raise AttestationFileError(
            f"{path}: unknown top-level keys {unknown} (expected attestations, waivers)"
        )
    return data


def load_sign_offs(
    path: str | Path | None, *, attested_ids: set[str], automated_ids: set[str], today: date
) -> SignOffs:
    """Every entry of the file, checked against the checklist's items and today's date."""
    if path is None:
        return SignOffs()
    data = _read_raw(Path(path))
    result = SignOffs(source=str(path))
    for kind, key, allowed, store in (
        ("attestation", "attestations", attested_ids, result.attestations),
        ("waiver", "waivers", automated_ids, result.waivers),
    ):
        entries = data.get(key) or []
        if not isinstance(entries, list):
            raise AttestationFileError(f"{path}: {key} must be a list")
        for raw in entries:
            entry = _check_entry(kind, raw, today)
            if entry.item_id in store:
                result.refused.append(_refuse(entry, f"a second {kind} for {entry.item_id}"))
            elif entry.item_id not in allowed:
                result.refused.append(
                    _refuse(entry, _wrong_item(kind, entry.item_id, attested_ids, automated_ids))
                )
            else:
                store[entry.item_id] = entry
    return result


def _wrong_item(kind: str, item_id: str, attested_ids: set[str], automated_ids: set[str]) -> str:
    if item_id not in attested_ids | automated_ids:
        close = difflib.get_close_matches(item_id, sorted(attested_ids | automated_ids), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"{item_id} is not an item of this checklist{hint}"
    if kind == "attestation" and item_id not in attested_ids:
        return f"{item_id} is not a sign-off item (automated items are checked by the machine, not attested)"
    if kind == "waiver" and item_id in attested_ids:
        return f"{item_id} is a sign-off item: attest it instead of waiving it"
    return f"{item_id} is not an item of this checklist"


def _refuse(entry: SignOff, reason: str) -> SignOff:
    return SignOff(entry.kind, entry.item_id, entry.fields, f"refused: {reason}")
