"""The readiness report in four formats: Markdown, a self-contained HTML page, JUnit XML, JSON."""

from __future__ import annotations

import json
from pathlib import Path

from checklists.report import RunReport
from checklists.reporters.html import html_report
from checklists.reporters.junit import junit_report
from checklists.reporters.markdown import markdown_report


def write_reports(report: RunReport) -> dict[str, Path]:
    out = report.report_dir
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "markdown": out / "readiness.md",
        "html": out / "readiness.html",
        "junit": out / "junit.xml",
        "json": out / "readiness.json",
    }
    files["markdown"].write_text(markdown_report(report), encoding="utf-8")
    files["html"].write_text(html_report(report), encoding="utf-8")
    files["junit"].write_bytes(junit_report(report))
    files["json"].write_text(json.dumps(report.to_json(), indent=2, default=str) + "\n", encoding="utf-8")
    return files
