"""Items proved by booking and reading what the target did with the mail: the public URL in a
contractor email actually delivered, and bounces and complaints ending up suppressed."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from checklists.checks.booking import BookingFailed, book_free_slot, cancel_quietly
from checklists.checks.evidence import http_exchange
from checklists.checks.registry import check
from checklists.context import CheckContext, is_loopback
from checklists.model import CheckResult, Evidence, judged
from harness.adapters import REFERENCE
from harness.adapters.reference_client import BookingApi
from harness.mailbox import DeliveredEmail, Mailbox
from harness.model import Capability

_LINK = re.compile(r"https?://[^\s\"'<>)]+")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _url_failures(ctx: CheckContext, public_url: str) -> list[str]:
    failures = []
    parts = urlsplit(public_url)
    if ctx.expect_public_url and _origin(public_url) != _origin(ctx.expect_public_url):
        failures.append(f"PUBLIC_APP_URL is {public_url}, expected {_origin(ctx.expect_public_url)}")
    if not ctx.local:
        if parts.scheme != "https":
            failures.append(f"PUBLIC_APP_URL {public_url} is not https")
        if is_loopback(public_url):
            failures.append(f"PUBLIC_APP_URL {public_url} is a loopback address")
        if not ctx.expect_public_url:
            failures.append("no --expect-public-url given: the real domain is not known to compare with")
    return failures


def _contractor_email(mailbox: Mailbox, marker: str, client: str, timeout: float) -> DeliveredEmail | None:
    """The email about this booking to anyone but the client: the contractor's notification."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mailbox.messages():
            if client not in message.recipients and marker in (message.text + message.html):
                return message
        time.sleep(0.5)
    return None


@check("public_app_url", needs=[Capability.PUBLIC_BOOKING, Capability.AVAILABILITY, Capability.EMAILS])
def public_app_url(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    public_url = ctx.target.public_app_url
    if not public_url:
        return CheckResult.failed("the target names no publicAppUrl (its PUBLIC_APP_URL)")
    failures = _url_failures(ctx, public_url)
    evidence: list[Evidence] = [Evidence("PUBLIC_APP_URL", public_url)]
    role = str(params.get("service_role", "standard"))
    service_id = ctx.target.service(role)
    if not ctx.target.mailbox_url or not service_id:
        missing = "no mailboxUrl to read delivered mail from" if service_id else f"no {role!r} service"
        if failures:
            return CheckResult.failed("; ".join(failures), *evidence)
        return CheckResult.skipped(f"{public_url} looks right, but the target names {missing}", *evidence)
    marker = f"checklist-{uuid.uuid4().hex[:10]}"
    client = f"{marker}@example.com"
    try:
        booked = book_free_slot(ctx.system(), service_id, name=marker, email=client)
    except BookingFailed as exc:
        return CheckResult.failed(
            f"could not book to get a contractor email: {exc}", *evidence, *exc.evidence
        )
    evidence.append(booked.evidence)
    message = _contractor_email(
        Mailbox(ctx.target.mailbox_url), marker, client, float(params.get("timeout_seconds", 30))
    )
    if ctx.target.adapter == REFERENCE and ctx.target.has_admin:  # the reference's admin API cancels it
        with BookingApi(ctx.target.base_url, timeout=ctx.http_timeout) as api:
            if api.login(ctx.target.admin_email or "", ctx.target.admin_password or "").is_success:
                cancel_quietly(api, booked.job_id)
    if message is None:
        failures.append(f"no contractor email about booking {booked.job_id} was delivered")
        return judged(failures, "", evidence)
    links = _LINK.findall(message.text + " " + message.html)
    evidence.append(
        Evidence("contractor email", {"to": message.recipients, "subject": message.subject, "links": links})
    )
    if not links:
        failures.append("the contractor email holds no link")
    wrong = [link for link in links if not link.lower().startswith(public_url.rstrip("/").lower())]
    if wrong:
        failures.append(f"contractor email links outside {public_url}: {wrong}")
    return judged(failures, f"PUBLIC_APP_URL is {public_url}; the contractor email links there", evidence)


def _suppressions(api: BookingApi) -> tuple[dict[str, str] | None, Evidence]:
    """The suppressed addresses and their reasons; None when the target gives no such list."""
    response = api.suppressions()
    evidence = http_exchange("GET /admin/suppressions", response)
    if response.status_code != 200:
        return None, evidence
    found: dict[str, str] = {}
    for entry in response.json().get("suppressions", []):
        found[str(entry.get("email", "")).lower()] = str(entry.get("reason"))
    return found, evidence


# The suppression list is read through the reference's admin API: what capability `ses` promises.
@check(
    "bounce_complaint_suppressed", needs=[Capability.PUBLIC_BOOKING, Capability.AVAILABILITY, Capability.SES]
)
def bounce_complaint_suppressed(ctx: CheckContext, params: Mapping[str, Any]) -> CheckResult:
    role = str(params.get("service_role", "callout"))
    service_id = ctx.target.service(role)
    if not ctx.target.has_admin or not service_id:
        return CheckResult.failed(f"the target needs admin credentials and a {role!r} service for this check")
    expected = {
        str(params.get("bounce", "bounce@simulator.amazonses.com")).lower(): "bounce",
        str(params.get("complaint", "complaint@simulator.amazonses.com")).lower(): "complaint",
    }
    timeout = float(params.get("timeout_seconds", 60))
    evidence: list[Evidence] = []
    with BookingApi(ctx.target.base_url, timeout=ctx.http_timeout) as api:
        login = api.login(ctx.target.admin_email or "", ctx.target.admin_password or "")
        if login.status_code != 200:
            return CheckResult.failed("admin sign-in failed", http_exchange("POST /auth/login", login))
        listed, listing = _suppressions(api)
        if listed is None:
            return CheckResult.failed("the target lists no suppressions (GET /admin/suppressions)", listing)
        # Lift earlier runs' suppressions first, so only this run's mail can suppress them again.
        for address in (a for a in expected if a in listed):
            lifted = api.lift_suppression(address)

            evidence.append(http_exchange(f"lift {address} before the test", lifted))
        jobs = []
        for address in expected:
            try:
                booked = book_free_slot(ctx.system(), service_id, name="Simulator recipient", email=address)
            except BookingFailed as exc:
                return CheckResult.failed(f"could not book for {address}: {exc}", *evidence, *exc.evidence)
            jobs.append(booked.job_id)
            evidence.append(booked.evidence)
        deadline = time.monotonic() + timeout
        while True:
            listed, listing = _suppressions(api)
            found = listed or {}
            missing = {a: r for a, r in expected.items() if found.get(a) != r}
            if not missing or time.monotonic() > deadline:
                break
            time.sleep(1)
        evidence.append(listing)
        for job_id in jobs:
            cancel_quietly(api, job_id)
    failures = [
        f"{address} not suppressed for {reason} within {timeout:.0f} s "
        f"(found: {found.get(address, 'nothing')})"
        for address, reason in missing.items()
    ]
    return judged(failures, "the bounce and the complaint both ended up suppressed", evidence)
