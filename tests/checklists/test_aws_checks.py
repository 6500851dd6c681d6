"""SES and CloudWatch checks against a real moto server over HTTP: an unverified sender, a
missing alarm, an alarm whose actions are off, a missing dashboard each turn their item red.
SES production access (sesv2 GetAccount, which moto lacks) is judged with botocore's Stubber."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from checklists.checks.monitoring import cloudwatch_alarms, cloudwatch_dashboard
from checklists.checks.ses import ses_identity_verified, ses_production_access
from checklists.model import Outcome
from harness.target import Target
from tests.checklists.conftest import MakeContext

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ALARM_PARAMS = {"metrics": [["5XXError", "5xx"], ["Errors", "ErrorRate"]]}


def client(target: Target, service: str) -> Any:
    return boto3.client(service, region_name="us-east-1", endpoint_url=target.aws_endpoint_url, **CREDENTIALS)


def test_unverified_sender_turns_red(make_context: MakeContext, aws_target: Target) -> None:
    result = ses_identity_verified(make_context(aws_target), {})
    assert result.outcome is Outcome.FAILED
    assert "neither bookings@checklist.example.com nor checklist.example.com is verified" in result.summary
    assert result.evidence[0].detail["call"] == "ses.get_identity_verification_attributes"


@pytest.mark.parametrize("identity", ["bookings@checklist.example.com", "checklist.example.com"])
def test_verified_sender_or_domain_passes(
    make_context: MakeContext, aws_target: Target, identity: str
) -> None:
    ses = client(aws_target, "ses")
    if "@" in identity:
        ses.verify_email_identity(EmailAddress=identity)
    else:
        ses.verify_domain_identity(Domain=identity)
    result = ses_identity_verified(make_context(aws_target), {})
    assert result.outcome is Outcome.PASSED, result.summary


def put_alarm(target: Target, metric: str, *, actions: bool = True, topic: str | None = None) -> None:
    if topic is None:
        topic = client(target, "sns").create_topic(Name="booking-service-alarms")["TopicArn"]
    client(target, "cloudwatch").put_metric_alarm(
        AlarmName=f"booking-service-{metric.lower()}",
        Namespace="BookingService",
        MetricName=metric,
        Statistic="Sum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=1,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        ActionsEnabled=actions,
        AlarmActions=[topic],
    )


def test_missing_alarm_turns_red(make_context: MakeContext, aws_target: Target) -> None:
    put_alarm(aws_target, "5xx")
    result = cloudwatch_alarms(make_context(aws_target), ALARM_PARAMS)
    assert result.outcome is Outcome.FAILED
    assert result.summary == "no alarm on Errors or ErrorRate"
    alarms = result.evidence[0].detail["answer"]
    assert [a["AlarmName"] for a in alarms] == ["booking-service-5xx"]


def test_alarm_with_actions_disabled_turns_red(make_context: MakeContext, aws_target: Target) -> None:
    put_alarm(aws_target, "5xx", actions=False)
    put_alarm(aws_target, "ErrorRate")
    result = cloudwatch_alarms(make_context(aws_target), ALARM_PARAMS)
    assert result.outcome is Outcome.FAILED
    assert "alarms on 5XXError or 5xx lack enabled actions" in result.summary


def test_alarm_on_a_topic_that_does_not_exist_turns_red(
    make_context: MakeContext, aws_target: Target
) -> None:
    put_alarm(aws_target, "5XXError", topic="arn:aws:sns:us-east-1:123456789012:gone")
    put_alarm(aws_target, "Errors")
    result = cloudwatch_alarms(make_context(aws_target), ALARM_PARAMS)
    assert result.outcome is Outcome.FAILED
    assert "5XXError or 5xx" in result.summary


@pytest.mark.parametrize("names", [("5xx", "ErrorRate"), ("5XXError", "Errors")])
def test_alarms_with_actions_pass(
    make_context: MakeContext, aws_target: Target, names: tuple[str, str]
) -> None:
    for name in names:
        put_alarm(aws_target, name)
    result = cloudwatch_alarms(make_context(aws_target), ALARM_PARAMS)
    assert result.outcome is Outcome.PASSED, result.summary


def test_missing_dashboard_turns_red_and_present_one_passes(
    make_context: MakeContext, aws_target: Target
) -> None:
    context = make_context(aws_target)
    watch = client(aws_target, "cloudwatch")
    watch.put_dashboard(DashboardName="booking-service-old", DashboardBody=json.dumps({"widgets": []}))
    missing = cloudwatch_dashboard(context, {"name": "booking-service"})
    assert missing.outcome is Outcome.FAILED
    assert "found: ['booking-service-old']" in missing.summary
    watch.put_dashboard(DashboardName="booking-service", DashboardBody=json.dumps({"widgets": []}))
    assert cloudwatch_dashboard(context, {"name": "booking-service"}).outcome is Outcome.PASSED


def test_production_access_against_moto_is_skipped_with_the_reason(
    make_context: MakeContext, aws_target: Target
) -> None:
    result = ses_production_access(make_context(aws_target), {})
    assert result.outcome is Outcome.SKIPPED
    assert "does not implement sesv2 GetAccount" in result.summary


ACCOUNT: dict[str, Any] = {
    "DedicatedIpAutoWarmupEnabled": False,
    "EnforcementStatus": "HEALTHY",
    "SendingEnabled": True,
    "SendQuota": {"Max24HourSend": 50000.0, "MaxSendRate": 14.0, "SentLast24Hours": 10.0},
}


def stubbed_context(make_context: MakeContext, answer: dict[str, Any] | None) -> Any:
    """A context whose sesv2 client (real AWS, no endpoint) answers from a Stubber."""
    sesv2 = boto3.client("sesv2", region_name="us-east-1", **CREDENTIALS)
    stubber = Stubber(sesv2)
    if answer is None:
        stubber.add_client_error("get_account", "AccessDeniedException", "not allowed", 403)
    else:
        stubber.add_response("get_account", answer, {})
    stubber.activate()
    context = make_context(Target(base_url="https://book.example.com", aws_region="us-east-1"))
    context.aws_client = lambda service: sesv2  # type: ignore[method-assign]
    return context, stubber


@pytest.mark.parametrize(
    ("answer", "outcome", "words"),
    [
        ({**ACCOUNT, "ProductionAccessEnabled": True}, Outcome.PASSED, "quota 50000.0 per 24 h"),
        (
            {
                **ACCOUNT,
                "ProductionAccessEnabled": False,
                "Details": {"ReviewDetails": {"Status": "PENDING"}},
            },
            Outcome.FAILED,
            "SES sandbox: ProductionAccessEnabled=False (production access review: PENDING)",
        ),
        (
            {**ACCOUNT, "ProductionAccessEnabled": True, "SendingEnabled": False},
            Outcome.FAILED,
            "SendingEnabled=False",
        ),
        (None, Outcome.FAILED, "AccessDeniedException"),
    ],
)
def test_production_access_judged_from_get_account(
    make_context: MakeContext, answer: dict[str, Any] | None, outcome: Outcome, words: str
) -> None:
    context, stubber = stubbed_context(make_context, answer)
    result = ses_production_access(context, {})
    stubber.assert_no_pending_responses()
    assert result.outcome is outcome
    assert words in result.summary
