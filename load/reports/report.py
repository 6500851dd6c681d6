"""The run's summary, as JSON (for machines and the benchmark) and Markdown (for people)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from load.checker.audit import Verdict
from load.reports.gates import Gate, StatsRow


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

    @property
    def passed(self) -> bool:
        return bool(self.gates) and all(g.ok for g in self.gates)

    def to_json(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "runId": self.run_id,
            "passed": self.passed,
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
        }


def verdict_lines(verdict: Verdict | None, audit_error: str | None = None) -> list[str]:
    if verdict is None:
        return [f"AUDIT VERDICT: NO VERDICT ({audit_error})"]
    c = verdict.counts
    lines = [
        f"AUDIT VERDICT: {'PASS' if verdict.ok else 'FAIL'} (final state from {verdict.source}; "
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
    return [f"  [{'ok' if g.ok else 'BREACH'}] {g.name}: {g.measured} (limit {g.limit})" for g in gates]


def console_lines(summary: RunSummary) -> list[str]:
    return [
        *verdict_lines(summary.verdict, summary.audit_error),
        "GATES:",
        *gate_lines(summary.gates),
        f"RESULT: {'PASS' if summary.passed else 'FAIL'} ({summary.scenario}, run {summary.run_id})",
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
        f"# Load run `{summary.run_id}`: {summary.scenario} — {'PASS' if summary.passed else 'FAIL'}",
        "",
        f"- target: {target.get('baseUrl')} ({len(target.get('urls') or [])} server URL(s), "
        f"{'local reference stack' if target.get('local') else 'external'})",
        f"- from {summary.started_at} to {summary.ended_at}",
        f"- options: `{json.dumps(summary.options, sort_keys=True)}`",
        "",
        "## Gates",
        "",
        "| gate | limit | measured | result |",
        "|---|---|---|---|",
        *[
            f"| {g.name} | {g.limit} | {g.measured} | {'ok' if g.ok else '**BREACH**'} |"
            for g in summary.gates
        ],
        "",
        "## Audit",
        "",
        "```",
        *verdict_lines(summary.verdict, summary.audit_error),
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
