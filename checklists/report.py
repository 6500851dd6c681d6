"""Everything a checklist run found, in one object every reporter reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checklists.attestations import SignOff
from checklists.suites import HARNESS_RACE, SuiteRun
from checklists.verdict import ItemReport, Verdict


@dataclass
class RunReport:
    title: str
    checklist: str
    target: str
    started_at: str
    ended_at: str
    seconds: float
    verdict: Verdict
    items: list[ItemReport]
    report_dir: Path
    suites: list[SuiteRun] = field(default_factory=list)
    # Picture title -> PNG file (inside report_dir).
    plots: dict[str, Path] = field(default_factory=dict)
    refused: list[SignOff] = field(default_factory=list)
    attestations_file: str | None = None

    @property
    def sections(self) -> list[str]:
        return list(dict.fromkeys(r.item.section for r in self.items))

    def in_section(self, section: str) -> list[ItemReport]:
        return [r for r in self.items if r.item.section == section]

    def relative(self, path: Path) -> str:
        """A path as a link from the report directory (absolute when outside it)."""
        try:
            return str(path.resolve().relative_to(self.report_dir.resolve()))
        except ValueError:
            return str(path)

    def suite_links(self, run: SuiteRun) -> dict[str, str]:
        """The run's own reports and traces, as links from the report directory."""
        links = {"output log": self.relative(run.log_path)}
        for name in ("summary.md", "summary.json", "locust.html", "junit.xml", "summary.html"):
            if (run.directory / name).exists():
                links[name] = self.relative(run.directory / name)
        results = run.directory / "results"
        if results.exists():
            for trace in sorted(results.rglob("trace.zip")):
                links[f"trace: {trace.parent.name}"] = self.relative(trace)
        return links

    @staticmethod
    def suite_headline(run: SuiteRun) -> str:
        """One line of what the suite's own summary says."""
        summary = run.summary
        if summary is None:
            return f"no verdict: {run.error}"
        if run.name == "e2e":
            return (
                "; ".join(
                    f"suite {s.get('suite')}: {s.get('passed', 0)} passed, {s.get('failed', 0)} failed, "
                    f"{s.get('skipped', 0)} skipped"
                    for s in summary.get("suites", [])
                )
                or "no suite ran"
            )
        if run.name == "load-race":
            counts = (summary.get("verdict") or {}).get("counts") or {}
            breached = sum(1 for g in summary.get("gates", []) if not g.get("ok"))
            outcome = "PASS" if summary.get("passed") else "FAIL"
            return f"{outcome}: {counts.get('book:ok', 0)} bookings acknowledged, {breached} gate(s) breached"
        if run.name == HARNESS_RACE:
            return f"{summary.get('verdict')}: {summary.get('headline')}"
        passed, failed, skipped = (summary.get(k, 0) for k in ("passed", "failed", "skipped"))
        return f"{passed} passed, {failed} failed, {skipped} skipped"

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "checklist": self.checklist,
            "target": self.target,
            "startedAt": self.started_at,
            "endedAt": self.ended_at,
            "seconds": round(self.seconds, 1),
            **self.verdict.to_json(),
            "attestationsFile": self.attestations_file,
            "items": [r.to_json() for r in self.items],
            "suites": [
                {
                    **run.evidence(),
                    "headline": self.suite_headline(run),
                    "summary": run.summary,
                    "links": self.suite_links(run),
                }
                for run in self.suites
            ],
            "plots": {title: self.relative(path) for title, path in self.plots.items()},
            "refusedSignOffs": [entry.to_json() for entry in self.refused],
        }
