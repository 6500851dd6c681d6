"""SES items: the sender identity is verified, and the account is out of the sandbox. Both ask
the target's AWS (real, or moto on the local stack) through boto3."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from checklists.checks.evidence import aws_call
from checklists.checks.registry import check
from checklists.context import CheckContext
from checklists.model import CheckResult, Evidence
from harness.model import Capability


@check("ses_identity_verified", needs=[Capability.SES])
def ses_identity_verified(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    sender = ctx.target.ses_from_address
    if not sender:
        return CheckResult.failed("the target names no SES sender address (aws.sesFromAddress)")
    domain = sender.rpartition("@")[2]
    identities = [sender, domain]
    try:
        answer = ctx.aws_client("ses").get_identity_verification_attributes(Identities=identities)
    except (BotoCoreError, ClientError) as exc:
        return CheckResult.failed(
            f"SES did not answer: {exc}",
            Evidence(
                "ses.get_identity_verification_attributes", {"identities": identities, "error": str(exc)}
            ),
        )
    evidence = aws_call(
        "SES identities", "ses", "get_identity_verification_attributes", {"Identities": identities}, answer
    )
    attributes = answer.get("VerificationAttributes", {})
    verified = [i for i in identities if attributes.get(i, {}).get("VerificationStatus") == "Success"]
    if verified:
        return CheckResult.passed(f"{verified[0]} is verified (sender {sender})", evidence)
    states = {i: attributes.get(i, {}).get("VerificationStatus", "unknown to SES") for i in identities}
    return CheckResult.failed(f"neither {sender} nor {domain} is verified: {states}", evidence)


def judge_account(answer: Mapping[str, Any]) -> tuple[bool, str]:
    """Whether sesv2.get_account's answer shows production access with sending enabled."""
    production = answer.get("ProductionAccessEnabled")
    sending = answer.get("SendingEnabled")
    if production is not True:
        status = answer.get("Details", {}).get("ReviewDetails", {}).get("Status")
        review = f" (production access review: {status})" if status else ""
        return False, f"the account is in the SES sandbox: ProductionAccessEnabled={production}{review}"
    if sending is not True:
        return False, f"production access granted but SendingEnabled={sending}"
    quota = answer.get("SendQuota", {})
    return True, f"production access granted; quota {quota.get('Max24HourSend')} per 24 h"


@check("ses_production_access", needs=[Capability.SES])
def ses_production_access(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    try:
        answer = ctx.aws_client("sesv2").get_account()
    except (BotoCoreError, ClientError) as exc:
        failure = Evidence("sesv2.get_account", {"endpoint": ctx.target.aws_endpoint_url, "error": str(exc)})
        if ctx.target.aws_endpoint_url:
            # moto (the local stand-in) does not implement GetAccount: nothing to judge here.
            return CheckResult.skipped(
                f"the target's AWS endpoint {ctx.target.aws_endpoint_url} does not implement "
                f"sesv2 GetAccount ({type(exc).__name__}); judge it against real AWS",
                failure,
            )
        return CheckResult.failed(f"sesv2.get_account failed: {exc}", failure)
    ok, summary = judge_account(answer)
    evidence = aws_call("SES account", "sesv2", "get_account", {}, answer)
    return CheckResult.passed(summary, evidence) if ok else CheckResult.failed(summary, evidence)
