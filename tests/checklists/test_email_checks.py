"""The email items against a small booking target over real HTTP, mailing through a real moto
server: a bounce not suppressed, and a contractor email linking elsewhere, each turn red."""

from __future__ import annotations

from checklists.checks.email_delivery import bounce_complaint_suppressed, public_app_url
from checklists.model import Outcome
from harness.adapters import reference_paths as paths
from harness.target import Target
from tests.checklists.booking_server import BookingServer
from tests.checklists.conftest import MakeContext
from tests.checklists.route_server import Answer, RouteServer, serving

BOUNCE_PARAMS = {"service_role": "callout", "timeout_seconds": 2}
SERVICES = {"callout": "svc-callout", "standard": "svc-standard"}


def booking_target(url: str, *, public_app_url: str | None = None, mailbox_url: str | None = None) -> Target:
    return Target(
        base_url=url,
        admin_email="admin@example.com",
        admin_password="pw",
        services=SERVICES,
        public_app_url=public_app_url,
        mailbox_url=mailbox_url,
    )


def test_bounce_not_suppressed_turns_red(make_context: MakeContext) -> None:
    server = BookingServer(suppress=False)
    with serving(server.routes()) as url:
        result = bounce_complaint_suppressed(make_context(booking_target(url)), BOUNCE_PARAMS)
    assert result.outcome is Outcome.FAILED
    assert "bounce@simulator.amazonses.com not suppressed for bounce within 2 s" in result.summary
    assert "complaint@simulator.amazonses.com not suppressed for complaint" in result.summary
    listing = result.evidence[-1].detail
    assert listing["request"]["url"].endswith(paths.SUPPRESSIONS)
    assert listing["response"]["body"] == '{"suppressions": []}'
    assert sorted(server.bookings) == sorted(
        ["bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"]
    )


def test_bounce_and_complaint_suppressed_pass_and_earlier_ones_are_lifted_first(
    make_context: MakeContext,
) -> None:
    server = BookingServer(suppress=True)
    # Left over from an earlier run: must not let the check pass without this run's bookings.
    server.suppressed["bounce@simulator.amazonses.com"] = "bounce"
    with serving(server.routes()) as url:
        result = bounce_complaint_suppressed(make_context(booking_target(url)), BOUNCE_PARAMS)
    assert result.outcome is Outcome.PASSED, result.summary
    assert len(server.bookings) == 2 and len(server.cancelled) == 2
    assert any("lift bounce@simulator.amazonses.com" in e.label for e in result.evidence)


def test_target_without_suppressions_turns_red_at_once(make_context: MakeContext) -> None:
    routes = RouteServer()
    routes.route("POST", paths.SIGN_IN, Answer(200, {"token": "t"}))
    with serving(routes) as url:
        result = bounce_complaint_suppressed(
            make_context(booking_target(url)), {**BOUNCE_PARAMS, "timeout_seconds": 60}
        )
    assert result.outcome is Outcome.FAILED
    assert "lists no suppressions" in result.summary


def test_contractor_email_linking_elsewhere_turns_red(make_context: MakeContext, moto_url: str) -> None:
    server = BookingServer(moto_url=moto_url, link_base="http://staging.internal:8000")
    with serving(server.routes()) as url:
        target = booking_target(url, public_app_url=url, mailbox_url=moto_url)
        result = public_app_url(make_context(target), {"service_role": "standard", "timeout_seconds": 10})
    assert result.outcome is Outcome.FAILED
    assert "contractor email links outside" in result.summary and "staging.internal" in result.summary


def test_contractor_email_linking_to_the_public_url_passes(make_context: MakeContext, moto_url: str) -> None:
    server = BookingServer(moto_url=moto_url)
    with serving(server.routes()) as url:
        server.link_base = url
        target = booking_target(url, public_app_url=url, mailbox_url=moto_url)
        result = public_app_url(make_context(target), {"service_role": "standard", "timeout_seconds": 10})
    assert result.outcome is Outcome.PASSED, result.summary


def test_public_url_outside_local_mode_must_be_https_and_the_expected_domain(
    make_context: MakeContext,
) -> None:
    target = Target(base_url="https://book.example.com", public_app_url="http://book.example.com")
    result = public_app_url(make_context(target, expect_public_url="https://bookings.example.com"), {})
    assert result.outcome is Outcome.FAILED
    assert "is not https" in result.summary
    assert "expected https://bookings.example.com" in result.summary
