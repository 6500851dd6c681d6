"""The race's reports: summary.json (for machines) and summary.md (for people), in one folder."""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness.model import Booked, Outcome
from harness.race import Round, Verdict


def _spreads_ms(rounds: Sequence[Round]) -> dict[str, float | None]:
    spreads = [r.spread_s * 1000 for r in rounds]
    if not spreads:
        return {"median": None, "max": None}
    return {"median": round(statistics.median(spreads), 3), "max": round(max(spreads), 3)}


def summary(adapter: str, rounds: Sequence[Round], verdict: Verdict) -> dict[str, Any]:
    return {
        "verdict": verdict.word,
        "exitCode": verdict.exit_code,
        "headline": verdict.headline,
        "adapter": adapter,
        "spreadOfFinalWritesMs": _spreads_ms(rounds),
        "rounds": [
            {
                "round": r.number,
                "service": r.service.name,
                "serviceId": r.service.id,
                "capacity": r.service.capacity,
                "start": r.slot.interval.start.isoformat(),
                "end": r.slot.interval.end.isoformat(),
                "spreadMs": round(r.spread_s * 1000, 3),
                "outcomes": [{"client": a.client.email, **_outcome(a.outcome)} for a in r.attempts],
            }
            for r in rounds
        ],
        "overbooked": [
            {**asdict(o), "interval": [o.interval.start.isoformat(), o.interval.end.isoformat()]}
            for o in verdict.overbooked
        ],
        "missing": list(verdict.missing),
        "notes": list(verdict.notes),
    }


def _outcome(outcome: Outcome) -> dict[str, Any]:
    fields = asdict(outcome)
    if isinstance(outcome, Booked):
        fields["interval"] = [outcome.interval.start.isoformat(), outcome.interval.end.isoformat()]
    return fields


def markdown(data: dict[str, Any]) -> str:
    spread = data["spreadOfFinalWritesMs"]
    lines = [
        f"# Race through the {data['adapter']} adapter: {data['verdict']}",
        "",
        data["headline"],
        "",
        f"Spread of the racers' final writes: median {spread['median']} ms, max {spread['max']} ms.",
        "",
    ]
    if data["overbooked"]:
        lines += ["## Over-booked slots", ""]
        for o in data["overbooked"]:
            named = ", ".join(f"`{b}` ({c})" for b, c in zip(o["booking_ids"], o["clients"], strict=True))
            start, end = o["interval"]
            lines.append(f"- {start} .. {end}, capacity {o['capacity']} ({o['evidence']}): {named}")
        lines.append("")
    if data["missing"]:
        lines += ["## Acknowledged but missing from the final state", ""]
        lines += [f"- `{b}`" for b in data["missing"]] + [""]
    lines += ["## Rounds", "", "| round | slot | capacity | booked | refused | unknown | spread (ms) |"]
    lines.append("|---|---|---|---|---|---|---|")
    for r in data["rounds"]:
        kinds = [o["kind"] for o in r["outcomes"]]
        lines.append(
            f"| {r['round']} | {r['start']} {r['service']} | {r['capacity']} | {kinds.count('booked')} | "
            f"{kinds.count('refused')} | {kinds.count('unknown')} | {r['spreadMs']} |"
        )
    lines += ["", *[f"- {note}" for note in data["notes"]]]
    return "\n".join(lines) + "\n"


def write_reports(folder: Path, data: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (folder / "summary.md").write_text(markdown(data), encoding="utf-8")
