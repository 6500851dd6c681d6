"""The readiness report as Markdown: verdict, each section's items with evidence, the suites."""

from __future__ import annotations

import json

from checklists.report import RunReport
from checklists.verdict import ItemReport

MARK = {
    "passed": "✅",
    "attested": "✅",
    "failed": "❌",
    "error": "❌",
    "skipped": "⏭️",
    "cannot be checked on this machine": "🚫",
    "not applicable": "⛔",
    "awaiting sign-off": "✍️",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _evidence(report: ItemReport) -> list[str]:
    if report.result is None or not report.result.evidence:
        return []
    lines = [f"<details><summary>{report.item.id}: evidence</summary>", "", "```json"]
    for evidence in report.result.evidence:
        lines.append(f"// {evidence.label}")
        lines.append(json.dumps(evidence.detail, indent=2, default=str))
    return [*lines, "```", "", "</details>", ""]


def markdown_report(report: RunReport) -> str:
    verdict = report.verdict
    lines = [
        f"# {report.title}: **{verdict.label}**",
        "",
        f"- target: {report.target}",
        f"- checklist: `{report.checklist}`; attestations: `{report.attestations_file or 'none'}`",
        f"- from {report.started_at} to {report.ended_at} ({report.seconds:.0f} s)",
        f"- items: {', '.join(f'{n} {label}' for label, n in sorted(verdict.counts.items()))}",
    ]
    if verdict.blockers:
        lines.append(f"- blocking: {', '.join(verdict.blockers)}")
    if verdict.awaiting_sign_off:
        lines.append(f"- awaiting sign-off: {', '.join(verdict.awaiting_sign_off)}")
    lines += [
        f"- cannot be checked on this machine: `{i}`: {why}" for i, why in verdict.cannot_check_here.items()
    ]
    lines += [f"- not applicable: `{i}`: {why}" for i, why in verdict.not_applicable.items()]
    for section in report.sections:
        lines += [
            "",
            f"## {section}",
            "",
            "| | item | severity | status | finding |",
            "|---|---|---|---|---|",
        ]
        for r in report.in_section(section):
            lines.append(
                f"| {MARK.get(r.status.value, '')} | `{r.item.id}` {_cell(r.item.text)}"
                f" | {r.item.severity.value} | {r.label} | {_cell(r.summary)} |"
            )
        lines.append("")
        for item_report in report.in_section(section):
            lines += _evidence(item_report)
    if report.refused:
        lines += ["", "## Refused sign-off entries", ""]
        lines += [f"- {entry.kind} `{entry.item_id}`: {entry.problem}" for entry in report.refused]
    if report.suites:
        lines += [
            "",
            "## Suites",
            "",
            "| suite | verdict | exit code | seconds | reports |",
            "|---|---|---:|---:|---|",
        ]
        for run in report.suites:
            links = ", ".join(f"[{name}]({path})" for name, path in report.suite_links(run).items())
            headline = _cell(report.suite_headline(run))
            lines.append(f"| {run.name} | {headline} | {run.exit_code} | {run.seconds:.0f} | {links} |")
    if report.plots:
        lines += ["", "## Load race latency", ""]
        lines += [f"![{title}]({report.relative(path)})" for title, path in report.plots.items()]
    return "\n".join(lines) + "\n"
