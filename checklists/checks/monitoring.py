"""Monitoring items: the CloudWatch dashboard and alarms (asked of the target's AWS), and the
rollback procedure document."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from checklists.checks.evidence import aws_call, file_line
from checklists.checks.registry import check
from checklists.context import CheckContext
from checklists.model import CheckResult, Evidence, judged
from harness.model import Capability


def _aws_failure(what: str, exc: Exception) -> CheckResult:
    return CheckResult.failed(f"{what} failed: {exc}", Evidence(what, {"error": str(exc)}))


@check("cloudwatch_dashboard", needs=[Capability.CLOUDWATCH])
def cloudwatch_dashboard(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    name = str(params.get("name", "booking-service"))
    try:
        answer = ctx.aws_client("cloudwatch").list_dashboards(DashboardNamePrefix=name)
    except (BotoCoreError, ClientError) as exc:
        return _aws_failure("cloudwatch.list_dashboards", exc)
    evidence = aws_call("dashboards", "cloudwatch", "list_dashboards", {"DashboardNamePrefix": name}, answer)
    names = [d.get("DashboardName") for d in answer.get("DashboardEntries", [])]
    if name in names:
        return CheckResult.passed(f"dashboard {name} exists", evidence)
    return CheckResult.failed(f"no CloudWatch dashboard named {name} (found: {names or 'none'})", evidence)


def _alarm_metrics(alarm: Mapping[str, Any]) -> set[str]:
    """Metric names an alarm watches: its own, or those of a metric-math alarm's queries."""
    names = {str(alarm["MetricName"])} if alarm.get("MetricName") else set()
    for query in alarm.get("Metrics") or []:
        metric = (query.get("MetricStat") or {}).get("Metric") or {}
        if metric.get("MetricName"):
            names.add(str(metric["MetricName"]))
    return names


def _all_alarms(client: Any) -> list[dict[str, Any]]:
    alarms: list[dict[str, Any]] = []
    for page in client.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]):
        alarms.extend(page.get("MetricAlarms", []))
    return alarms


def _topics(ctx: CheckContext) -> set[str]:
    client = ctx.aws_client("sns")
    arns: set[str] = set()
    for page in client.get_paginator("list_topics").paginate():
        arns.update(t["TopicArn"] for t in page.get("Topics", []))
    return arns


@check("cloudwatch_alarms", needs=[Capability.CLOUDWATCH])
def cloudwatch_alarms(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    """For each group of metric names (any name of a group counts), an alarm on it with actions
    enabled and every SNS action pointing at an existing topic."""
    groups = [[str(n) for n in (g if isinstance(g, list) else [g])] for g in params.get("metrics", [])]
    if not groups:
        return CheckResult.failed("the item names no metrics (params.metrics)")
    try:
        alarms = _all_alarms(ctx.aws_client("cloudwatch"))
        topics = _topics(ctx)
    except (BotoCoreError, ClientError) as exc:
        return _aws_failure("cloudwatch.describe_alarms / sns.list_topics", exc)
    summary = [
        {
            "AlarmName": a.get("AlarmName"),
            "Namespace": a.get("Namespace"),
            "metrics": sorted(_alarm_metrics(a)),
            "ActionsEnabled": a.get("ActionsEnabled"),
            "AlarmActions": a.get("AlarmActions"),
        }
        for a in alarms
    ]
    evidence = [
        aws_call("alarms", "cloudwatch", "describe_alarms", {"AlarmTypes": ["MetricAlarm"]}, summary),
        aws_call("SNS topics", "sns", "list_topics", {}, sorted(topics)),
    ]
    failures: list[str] = []
    for group in groups:
        watching = [a for a in alarms if _alarm_metrics(a) & set(group)]
        if not watching:
            failures.append(f"no alarm on {' or '.join(group)}")
            continue
        good = [
            a
            for a in watching
            if a.get("ActionsEnabled") is True
            and a.get("AlarmActions")
            and all(arn in topics for arn in a["AlarmActions"] if str(arn).startswith("arn:aws:sns:"))
        ]
        if not good:
            states = {a.get("AlarmName"): (a.get("ActionsEnabled"), a.get("AlarmActions")) for a in watching}
            failures.append(
                f"alarms on {' or '.join(group)} lack enabled actions on an existing SNS topic: {states}"
            )
    names = ", ".join(" or ".join(g) for g in groups)
    return judged(failures, f"alarms on {names} with enabled actions", evidence)


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


@check("rollback_document")
def rollback_document(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    given = Path(str(params.get("path", "docs/ROLLBACK.md")))
    path = given if given.is_absolute() else ctx.repo_root / given
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        return CheckResult.failed(f"no rollback procedure at {given}: {exc}")
    headings = [(n, m[1]) for n, line in enumerate(lines, start=1) if (m := _HEADING.match(line))]
    evidence: list[Evidence] = []
    missing: list[str] = []
    for section in params.get("sections", []):
        found = next(((n, h) for n, h in headings if str(section).lower() in h.lower()), None)
        if found is None:
            missing.append(str(section))
        else:
            evidence.append(file_line(f"section {section!r}", str(given), found[0], found[1]))
    if not headings:
        return CheckResult.failed(f"{given} has no headings", file_line("document", str(given), None, ""))
    failures = [f"{given} lacks the section(s) {missing}"] if missing else []
    return judged(failures, f"{given} holds every required section", evidence)
