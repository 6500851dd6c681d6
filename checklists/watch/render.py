"""The watch's report in the checklist report's formats: Markdown, one self-contained HTML page
(plots embedded), JUnit XML (a test case per seed target and the canary: the gates), JSON."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from checklists.reporters import write_formats
from checklists.watch.model import Verdict
from checklists.watch.report import WatchReport

_ENV = Environment(loader=PackageLoader("checklists", "templates"), autoescape=select_autoescape(["html"]))
_ENV.filters["pretty"] = lambda value: json.dumps(value, indent=2, default=str, ensure_ascii=False)


def markdown_report(report: WatchReport) -> str:
    out = [
        "# After launch: the seed's success metrics",
        "",
        f"Target {report.target}, period {report.period.text()}, generated "
        f"{report.started_at.isoformat(timespec='seconds')}.",
        "",
        *(f"- {line.strip()}" for line in report.lines()),
        *(f"- {problem}" for problem in report.problems),
        "",
        "| metric | seed target | value | verdict |",
        "|---|---|---|---|",
    ]
    out += [
        f"| {m.title} | {m.target or 'none in the seed'} | {m.shown} | {m.verdict.value} |"
        for m in report.all_metrics
    ]
    for m in report.all_metrics:
        out += ["", f"## {m.title}", "", f"Reads: {m.reads}."]
        if m.why:
            out += ["", f"**{m.verdict.value}**: {m.why}"]
        if m.trend:
            out += ["", f"| at | {m.trend_unit or 'value'} |", "|---|---|"]
            out += [f"| {at} | {'n/a' if v is None else f'{v:.2f}'} |" for at, v in m.trend]
        out += ["", "```json", json.dumps(m.evidence, indent=1, default=str), "```"]
    out += ["", *(f"![{title}](plots/{path.name})" for title, path in report.plots.items())]
    return "\n".join(out) + "\n"


def junit_report(report: WatchReport) -> bytes:
    gates = [m for m in report.all_metrics if m.gated]
    root = ET.Element("testsuites", name="watch")
    suite = ET.SubElement(root, "testsuite", name="seed targets", tests=str(len(gates)))
    failures = skipped = 0
    for m in gates:
        case = ET.SubElement(suite, "testcase", classname="watch", name=f"{m.title} (target {m.target})")
        detail = json.dumps(m.evidence, indent=1, default=str)
        if m.verdict is Verdict.BREACHED:
            ET.SubElement(case, "failure", message=f"{m.shown}: {m.why}", type="breached").text = detail
            failures += 1
        elif m.verdict is Verdict.CANNOT_JUDGE:
            ET.SubElement(case, "skipped", message=f"cannot judge: {m.why}")
            skipped += 1
        else:
            ET.SubElement(case, "system-out").text = f"{m.shown}\n{detail}"
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def html_report(report: WatchReport) -> str:
    images = {
        title: base64.b64encode(path.read_bytes()).decode("ascii") for title, path in report.plots.items()
    }
    return _ENV.get_template("watch.html").render(report=report, images=images)


def write_watch_reports(report: WatchReport) -> dict[str, Path]:
    return write_formats(
        report.report_dir,
        {"markdown": "watch.md", "html": "watch.html", "junit": "watch-junit.xml", "json": "watch.json"},
        markdown=markdown_report(report),
        html=html_report(report),
        junit=junit_report(report),
        document=report.to_json(),
    )
