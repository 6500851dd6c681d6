"""provision-monitoring against a real moto server over HTTP: it creates the dashboard, the
alarm topic and the alarms; a second run changes nothing; drift is put back."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3

from reference_app.local.ses import LocalSes
from reference_app.operations.monitoring import ALARM_TOPIC, ALARMS, DASHBOARD, NAMESPACE

EXPECTED_ALARMS = {
    "booking-service-5xx": "5xx",
    "booking-service-errorrate": "ErrorRate",
    "booking-service-bouncerate": "BounceRate",
    "booking-service-complaintrate": "ComplaintRate",
}


def _provision(moto_ses: LocalSes, region: str = "eu-west-1") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SES_ENDPOINT_URL": moto_ses.url, "SES_REGION": region}
    return subprocess.run(
        [sys.executable, "-m", "reference_app", "provision-monitoring"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_creates_dashboard_and_alarms_then_changes_nothing(moto_ses: LocalSes) -> None:
    # Its own region: a region of the shared moto server no other test provisions.
    region = "eu-west-1"
    first = _provision(moto_ses, region)
    assert first.returncode == 0, first.stderr
    assert "created dashboard booking-service" in first.stdout
    assert f"created SNS topic {ALARM_TOPIC}" in first.stdout
    cw = boto3.client("cloudwatch", region_name=region, endpoint_url=moto_ses.url)
    sns = boto3.client("sns", region_name=region, endpoint_url=moto_ses.url)
    alarms = {a["AlarmName"]: a for a in cw.describe_alarms()["MetricAlarms"]}
    assert {name: alarms[name]["MetricName"] for name in EXPECTED_ALARMS} == EXPECTED_ALARMS
    [topic_arn] = [
        t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(f":{ALARM_TOPIC}")
    ]
    for name in EXPECTED_ALARMS:
        assert alarms[name]["Namespace"] == NAMESPACE
        assert alarms[name]["ActionsEnabled"] is True
        assert alarms[name]["AlarmActions"] == [topic_arn]
    body = json.loads(cw.get_dashboard(DashboardName=DASHBOARD)["DashboardBody"])
    plotted = {widget["properties"]["metrics"][0][1] for widget in body["widgets"]}
    assert plotted == {spec.metric for spec in ALARMS}

    second = _provision(moto_ses, region)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "monitoring is up to date"

    # Someone loosened an alarm by hand: the next run puts it back, and only it.
    cw.put_metric_alarm(
        **{
            **{k: alarms["booking-service-errorrate"][k] for k in ("AlarmName", "Namespace", "MetricName")},
            "Statistic": "Average",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 50.0,
            "ComparisonOperator": "GreaterThanThreshold",
            "ActionsEnabled": False,
        }
    )
    third = _provision(moto_ses, region)
    assert third.stdout.splitlines() == ["updated alarm booking-service-errorrate", "1 change(s)"]
    restored = cw.describe_alarms(AlarmNames=["booking-service-errorrate"])["MetricAlarms"][0]
    assert (restored["Threshold"], restored["ActionsEnabled"]) == (1.0, True)


def test_unreachable_endpoint_is_a_clear_failure() -> None:
    env = {**os.environ, "SES_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "reference_app", "provision-monitoring"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "provision-monitoring failed: Could not connect to the endpoint URL" in result.stderr
    assert "Traceback" not in result.stderr
