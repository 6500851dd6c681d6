"""Everything a checklist run found, in one object every reporter reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checklists.attestations import SignOff
from checklists.suites import SuiteRun
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
                {**run.evidence(), "summary": run.summary, "links": self.suite_links(run)}
                for run in self.suites
            ],
            "plots": {title: self.relative(path) for title, path in self.plots.items()},
            "refusedSignOffs": [entry.to_json() for entry in self.refused],
        }
