"""Monitoring as code: the CloudWatch dashboard and alarms of the booking service, as data,
and `provision_monitoring`, which makes AWS (or the local moto server) match them.

Idempotent: what already matches is left alone, so a second run reports no change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3

from reference_app.settings import Settings

NAMESPACE = "BookingService"
DASHBOARD = "booking-service"
ALARM_TOPIC = "booking-service-alarms"
PERIOD_SECONDS = 300


@dataclass(frozen=True)
class AlarmSpec:
    metric: str
    statistic: str
    threshold: float
    description: str
    comparison: str = "GreaterThanThreshold"
    evaluation_periods: int = 1
    unit: str | None = None

    @property
    def name(self) -> str:
        return f"booking-service-{self.metric.lower()}"


# The seed's launch targets: API error rate < 1 %, email delivery > 95 % (SES itself reviews
# an account at a 5 % bounce or 0.1 % complaint rate), and any server error is worth a look.
ALARMS: tuple[AlarmSpec, ...] = (
    AlarmSpec("5xx", "Sum", 0, "Server errors (5xx) answered in 5 minutes", unit="Count"),
    AlarmSpec(
        "ErrorRate", "Average", 1.0, "Share of requests answered with an error, percent", unit="Percent"
    ),
    AlarmSpec(
        "BounceRate", "Average", 5.0, "Share of sent emails that hard-bounced, percent", unit="Percent"
    ),
    AlarmSpec(
        "ComplaintRate", "Average", 0.1, "Share of sent emails complained about, percent", unit="Percent"
    ),
)


def dashboard_body(region: str) -> dict[str, Any]:
    widgets = []
    for index, alarm in enumerate(ALARMS):
        widgets.append(
            {
                "type": "metric",
                "x": (index % 2) * 12,
                "y": (index // 2) * 6,
                "width": 12,
                "height": 6,
                "properties": {
                    "title": alarm.description,
                    "region": region,
                    "stat": alarm.statistic,
                    "period": PERIOD_SECONDS,
                    "metrics": [[NAMESPACE, alarm.metric]],
                    "annotations": {"horizontal": [{"label": "alarm", "value": alarm.threshold}]},
                },
            }
        )
    return {"widgets": widgets}


def _client(service: str, settings: Settings) -> Any:
    return boto3.client(service, region_name=settings.ses_region, endpoint_url=settings.aws_endpoint)


def _alarm_request(alarm: AlarmSpec, topic_arn: str) -> dict[str, Any]:
    request: dict[str, Any] = {
        "AlarmName": alarm.name,
        "AlarmDescription": alarm.description,
        "Namespace": NAMESPACE,
        "MetricName": alarm.metric,
        "Statistic": alarm.statistic,
        "Period": PERIOD_SECONDS,
        "EvaluationPeriods": alarm.evaluation_periods,
        "Threshold": alarm.threshold,
        "ComparisonOperator": alarm.comparison,
        "TreatMissingData": "notBreaching",
        "ActionsEnabled": True,
        "AlarmActions": [topic_arn],
    }
    if alarm.unit:
        request["Unit"] = alarm.unit
    return request


def _matches(existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(existing.get(key) == value for key, value in wanted.items())


def provision_monitoring(settings: Settings) -> list[str]:
    """Create or update the alarm topic, the alarms and the dashboard; returns what changed."""
    changes: list[str] = []
    sns = _client("sns", settings)
    cloudwatch = _client("cloudwatch", settings)

    topics = {t["TopicArn"].rsplit(":", 1)[-1]: t["TopicArn"] for t in sns.list_topics().get("Topics", [])}
    topic_arn = topics.get(ALARM_TOPIC)
    if topic_arn is None:
        topic_arn = sns.create_topic(Name=ALARM_TOPIC)["TopicArn"]
        changes.append(f"created SNS topic {ALARM_TOPIC}")

    names = [alarm.name for alarm in ALARMS]
    existing = {
        a["AlarmName"]: a for a in cloudwatch.describe_alarms(AlarmNames=names).get("MetricAlarms", [])
    }
    for alarm in ALARMS:
        wanted = _alarm_request(alarm, topic_arn)
        current = existing.get(alarm.name)
        if current is not None and _matches(current, wanted):
            continue
        cloudwatch.put_metric_alarm(**wanted)
        changes.append(f"{'updated' if current else 'created'} alarm {alarm.name}")

    body = dashboard_body(settings.ses_region)
    try:
        current_body = json.loads(cloudwatch.get_dashboard(DashboardName=DASHBOARD)["DashboardBody"])
    except cloudwatch.exceptions.ResourceNotFound:
        current_body = None
    if current_body != body:
        cloudwatch.put_dashboard(DashboardName=DASHBOARD, DashboardBody=json.dumps(body))
        changes.append(f"{'updated' if current_body else 'created'} dashboard {DASHBOARD}")
    return changes
