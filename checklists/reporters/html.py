"""The readiness report as one self-contained HTML page: styles inline, plots embedded as data
URIs, so the file can be mailed or attached to a launch ticket as it is."""

from __future__ import annotations

import base64
import json

from jinja2 import Environment, PackageLoader, select_autoescape

from checklists.report import RunReport

_ENV = Environment(loader=PackageLoader("checklists", "templates"), autoescape=select_autoescape(["html"]))
# Evidence as readable JSON; autoescaping then shows any markup in it as text.
_ENV.filters["pretty"] = lambda value: json.dumps(value, indent=2, default=str, ensure_ascii=False)


def html_report(report: RunReport) -> str:
    images = {
        title: base64.b64encode(path.read_bytes()).decode("ascii") for title, path in report.plots.items()
    }
    return _ENV.get_template("readiness.html").render(report=report, images=images)
