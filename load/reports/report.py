"""The run's summary, as JSON (for machines and the benchmark) and Markdown (for people)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.exit_codes import NOT_JUDGED, PASSED, TARGET_FAILED
from load.checker.audit import Verdict
from load.reports.gates import Gate, StatsRow
from load.reports.releases import release_line


@dataclass(frozen=True)
class RunSummary:
    scenario: str
    run_id: str
    started_at: str
    ended_at: str
    target: dict[str, Any]
    options: dict[str, Any]
    rows: Sequence[StatsRow]
    total: StatsRow
    gates: Sequence[Gate]
    verdict: Verdict | None
    audit_error: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    # Why the run could not even start its load (e.g. no free slot to race for).
    setup_error: str | None = None
    path: str = ""  # how the scenario spoke to the target: the adapter, and which way
    notes: Sequence[str] = ()  # parts of the scenario left out, and why (never silently)
    releases: dict[str, Any] | None = None  # a race through an adapter: its releases' spread

    @property
    def breaches(self) -> list[Gate]:
        return [g for g in self.gates if g.breached]

    @property
    def no_verdict_reason(self) -> str | None:
        """Why the run judged nothing about the target (None when it judged everything)."""
        if self.setup_error:
            return f"the run could not start: {self.setup_error}"
        if not self.gates:
            return "no gate was evaluated"
        unjudged = [g for g in self.gates if not g.judged]
        if unjudged:
            return "; ".join(f"{g.name}: {g.measured}" for g in unjudged[:3])
        return None

    @property
    def result(self) -> str:
        """FAIL on any breach (a real finding), else NO VERDICT when something could not be
        judged (a run that tested nothing never passes), else PASS."""
        if self.breaches:
            return "FAIL"
        return "NO VERDICT" if self.no_verdict_reason else "PASS"

    @property
    def passed(self) -> bool:
        return self.result == "PASS"

    @property
    def exit_code(self) -> int:
        return {"PASS": PASSED, "FAIL": TARGET_FAILED}.get(self.result, NOT_JUDGED)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "runId": self.run_id,
            "passed": self.passed,
            "result": self.result,
            "noVerdictReason": None if self.breaches else self.no_verdict_reason,
            "setupError": self.setup_error,
            "startedAt": self.started_at,
            "endedAt": self.ended_at,
            "target": self.target,
            "options": self.options,
            "stats": [r.to_json() for r in self.rows],
            "total": self.total.to_json(),
            "gates": [g.to_json() for g in self.gates],
            "verdict": self.verdict.to_json() if self.verdict else None,
            "auditError": self.audit_error,
            "files": self.files,
            "path": self.path,
            "notes": list(self.notes),
            "releases": self.releases,
            "overbookedSlots": overbooked_slots(self.verdict),
        }


OVERFILLING_CHECKS = ("double_booking", "overbooked_during_run")


def overbooked_slots(verdict: Verdict | None) -> list[dict[str, Any]]:
    """The over-filled times the audit named (up to its evidence limit per check), each with
    the bookings holding it: the final state's, then those only the history shows."""
    if verdict is None:
        return []
    return [
        {
            "check": name,
            "start": item["slot"]["start"],
            "end": item["slot"]["end"],
            "capacity": item["capacity"],
            "bookings": list(item["jobIds"]),
        }
        for name in OVERFILLING_CHECKS
        for check in verdict.checks
        if check.name == name
        for item in check.evidence
    ]


def overbooked_lines(verdict: Verdict | None) -> list[str]:
    return [
        f"OVER-BOOKED {o['start']} .. {o['end']} (capacity {o['capacity']}, {o['check']}): "
        f"{len(o['bookings'])} bookings {', '.join(o['bookings'])}"
        for o in overbooked_slots(verdict)
    ]


def path_lines(summary: RunSummary) -> list[str]:
    lines = [f"THROUGH: {summary.path}"] if summary.path else []
    lines += [f"NOTE: {note}" for note in summary.notes]
    released = release_line(summary.releases)
    return [*lines, *([released] if released else [])]


def verdict_lines(verdict: Verdict | None, audit_error: str | None = None) -> list[str]:
    if verdict is None:
        return [f"AUDIT VERDICT: NO VERDICT ({audit_error})"]
    c = verdict.counts
    judged = verdict.bookings_judged
    label = ("PASS" if judged else "NO VERDICT") if verdict.ok else "FAIL"
    lines = [
        f"AUDIT VERDICT: {label} over {judged} booking attempt(s) (final state from {verdict.source}; "
        f"bookings: {c.get('book:ok', 0)} ok, {c.get('book:rejected', 0)} rejected, "
        f"{c.get('book:indeterminate', 0)} indeterminate; {c.get('jobs_of_this_run', 0)} jobs of this run)"
    ]
    for check in verdict.checks:
        mark = "info" if check.informational else ("ok" if check.ok else "FAIL")
        lines.append(f"  [{mark}] {check.name}: {check.count}")
        if not check.ok:
            for item in check.evidence:
                lines.append("        " + json.dumps(item, default=str)[:600])
    return lines


def gate_lines(gates: Sequence[Gate]) -> list[str]:
    return [f"  [{g.mark}] {g.name}: {g.measured} (limit {g.limit})" for g in gates]


def result_line(summary: RunSummary) -> str:
    why = f": {summary.no_verdict_reason}" if summary.result == "NO VERDICT" else ""
    return f"RESULT: {summary.result}{why} ({summary.scenario}, run {summary.run_id})"


def console_lines(summary: RunSummary) -> list[str]:
    setup = [f"SETUP FAILED: {summary.setup_error}"] if summary.setup_error else []
    return [
        *setup,
        *path_lines(summary),
        *verdict_lines(summary.verdict, summary.audit_error),
        *overbooked_lines(summary.verdict),
        "GATES:",
        *gate_lines(summary.gates),
        result_line(summary),
    ]


def _stats_table(rows: Sequence[StatsRow], total: StatsRow) -> list[str]:
    lines = [
        "| request | count | failures | median ms | p95 ms | p99 ms | max ms | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in [*rows, total]:
        lines.append(
            f"| {r.name} | {r.requests} | {r.failures} | {r.median_ms:g} | {r.p95_ms:g} | "
            f"{r.p99_ms:g} | {r.max_ms:.0f} | {r.rps:.1f} |"
        )
    return lines


def markdown(summary: RunSummary) -> str:
    target = summary.target
    lines = [
        f"# Load run `{summary.run_id}`: {summary.scenario} — {summary.result}",
        "",
        f"**{result_line(summary)}**",
        "",
        f"- target: {target.get('baseUrl')} ({len(target.get('urls') or [])} server URL(s), "
        f"{'local reference stack' if target.get('local') else 'external'})",
        f"- from {summary.started_at} to {summary.ended_at}",
        f"- options: `{json.dumps(summary.options, sort_keys=True)}`",
        *[f"- {line}" for line in path_lines(summary)],
        "",
        "## Gates",
        "",
        "| gate | limit | measured | result |",
        "|---|---|---|---|",
        *[
            f"| {g.name} | {g.limit} | {g.measured} | {g.mark if g.ok or not g.judged else '**BREACH**'} |"
            for g in summary.gates
        ],
        "",
        "## Audit",
        "",
        "```",
        *verdict_lines(summary.verdict, summary.audit_error),
        *overbooked_lines(summary.verdict),
        "```",
        "",
        "## Requests",
        "",
        *_stats_table(summary.rows, summary.total),
        "",
    ]
    if summary.files:
        lines += ["## Files", "", *[f"- {k}: `{v}`" for k, v in summary.files.items()], ""]
    return "\n".join(lines)


def write_summary(summary: RunSummary, results_dir: Path) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / "summary.json").write_text(json.dumps(summary.to_json(), indent=2, default=str) + "\n")
    (results_dir / "summary.md").write_text(markdown(summary))
