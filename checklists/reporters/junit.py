"""The readiness report as JUnit XML: a test suite per section, a test case per item. A failed
check is a failure with its evidence; skipped, waived, cannot-be-checked-on-this-machine, not
applicable and awaiting-sign-off items are skipped with their reason, so CI dashboards show them
as such."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from checklists.model import Status
from checklists.report import RunReport


def junit_report(report: RunReport) -> bytes:
    root = ET.Element("testsuites", name=report.title, time=f"{report.seconds:.1f}")
    for section in report.sections:
        items = report.in_section(section)
        suite = ET.SubElement(root, "testsuite", name=section, tests=str(len(items)))
        failures = skipped = 0
        for item_report in items:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"checklist.{section}",
                name=f"{item_report.item.id}: {item_report.item.text}",
                time=f"{item_report.seconds:.2f}",
            )
            evidence = ""
            if item_report.result is not None:
                evidence = json.dumps(
                    [e.to_json() for e in item_report.result.evidence], indent=1, default=str
                )
            status = item_report.status
            if item_report.waived:
                ET.SubElement(case, "skipped", message=f"waived: {item_report.summary}")
                skipped += 1
            elif status in (Status.FAILED, Status.ERROR):
                failure = ET.SubElement(case, "failure", message=item_report.summary, type=status.value)
                failure.text = evidence
                failures += 1
            elif status in (
                Status.SKIPPED,
                Status.CANNOT_CHECK_HERE,
                Status.NOT_APPLICABLE,
                Status.AWAITING_SIGN_OFF,
            ):
                ET.SubElement(case, "skipped", message=f"{status.value}: {item_report.summary}")
                skipped += 1
            if evidence and status not in (Status.FAILED, Status.ERROR):
                ET.SubElement(case, "system-out").text = evidence
        suite.set("failures", str(failures))
        suite.set("skipped", str(skipped))
        suite.set("errors", "0")
    tree = ET.ElementTree(root)
    ET.indent(tree)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
