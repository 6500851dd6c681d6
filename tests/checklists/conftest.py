"""Fixtures of the checklist's tests: a context for running one check against a target, a
real moto server for the AWS checks, and small HTTP servers for targets that get things wrong."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from moto.server import ThreadedMotoServer

from checklists.context import CheckContext
from checklists.suites import SuitePlan, SuiteRunner
from harness.target import Target
from reference_app.local.stack import free_port

TODAY = date(2026, 12, 2)
REPO_ROOT = Path(__file__).resolve().parents[2]


def api_checklist(title: str, clients: int, extra_items: str = "") -> str:
    """A checklist of the two API checks a target's adapter runs (double booking in a row and at
    once with `clients` racing, a booking outside the offered slots), and any items after them."""
    return f"""
title = "{title}"
[[sections]]
name = "Testing"
[[sections.items]]
id = "testing.double-booking-api"
text = "no double booking"
severity = "blocker"
check = "double_booking_api"
params = {{ clients = {clients} }}
[[sections.items]]
id = "testing.business-rules-api"
text = "outside the offered slots: refused"
severity = "blocker"
check = "business_rules_api"
{extra_items}"""


MakeContext = Callable[..., CheckContext]


@pytest.fixture
def make_context(tmp_path: Path) -> MakeContext:
    """A check context for a target built from keyword arguments (Target's fields)."""

    def make(target: Target | None = None, **options: Any) -> CheckContext:
        target = target or Target(base_url="http://127.0.0.1:9")
        suites = SuiteRunner(SuitePlan(), tmp_path / "report", tmp_path / "target.json", repo_root=REPO_ROOT)
        return CheckContext(
            target=target,
            report_dir=tmp_path / "report",
            suites=suites,
            repo_root=REPO_ROOT,
            today=TODAY,
            **options,
        )

    return make


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """A real moto server over HTTP (SES, SNS, CloudWatch), fresh per test module."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws_target(moto_url: str) -> Target:
    """A target whose AWS is the moto server, its state emptied first."""
    httpx.post(f"{moto_url}/moto-api/reset").raise_for_status()
    return Target(
        base_url="http://127.0.0.1:9",
        aws_endpoint_url=moto_url,
        aws_region="us-east-1",
        ses_from_address="bookings@checklist.example.com",
    )
