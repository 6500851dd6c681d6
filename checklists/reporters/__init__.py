"""The readiness report in four formats: Markdown, a self-contained HTML page, JUnit XML, JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checklists.report import RunReport
from checklists.reporters.html import html_report
from checklists.reporters.junit import junit_report
from checklists.reporters.markdown import markdown_report


def write_formats(
    out: Path, names: Mapping[str, str], *, markdown: str, html: str, junit: bytes, document: Any
) -> dict[str, Path]:
    """Write one report's four formats into `out`, under `names` (keyed markdown, html, junit
    and json), and return where each went."""
    out.mkdir(parents=True, exist_ok=True)
    files = {fmt: out / names[fmt] for fmt in ("markdown", "html", "junit", "json")}
    files["markdown"].write_text(markdown, encoding="utf-8")
    files["html"].write_text(html, encoding="utf-8")
    files["junit"].write_bytes(junit)
    files["json"].write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    return files


READINESS_FILES = {
    "markdown": "readiness.md",
    "html": "readiness.html",
    "junit": "junit.xml",
    "json": "readiness.json",
}


def write_reports(report: RunReport) -> dict[str, Path]:
    return write_formats(
        report.report_dir,
        READINESS_FILES,
        markdown=markdown_report(report),
        html=html_report(report),
        junit=junit_report(report),
        document=report.to_json(),
    )
