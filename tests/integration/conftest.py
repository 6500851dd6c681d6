"""Fixtures for the email tests: a moto SES server in its own process, and an app whose
outbox sender delivers to it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from harness.mailbox import Mailbox
from reference_app.app import create_app
from reference_app.local.ses import LocalSes, local_ses
from reference_app.local.stack import free_port
from reference_app.settings import Settings

SENDER = "bookings@demo.example.com"
PUBLIC_APP_URL = "https://app.example.com"


@pytest.fixture(scope="session")
def moto_ses(log_dir: Path) -> Iterator[LocalSes]:
    with local_ses(free_port(), sender=SENDER, log_path=log_dir / "moto-ses-tests.log") as ses:
        yield ses


@pytest.fixture(scope="session", autouse=True)
def _fake_aws_credentials() -> Iterator[None]:
    # boto3 signs requests even for moto; never let it look for real credentials.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.delenv("AWS_PROFILE", raising=False)
        yield


def ses_settings(settings: Settings, endpoint_url: str, **overrides: Any) -> Settings:
    return dataclasses.replace(
        settings,
        ses_enabled=True,
        ses_endpoint_url=endpoint_url,
        ses_from_address=SENDER,
        public_app_url=PUBLIC_APP_URL,
        email_poll_seconds=0.05,
        email_retry_base_seconds=0.1,
        email_retry_max_seconds=0.5,
        **overrides,
    )


@pytest.fixture
def email_client(settings: Settings, moto_ses: LocalSes) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(ses_settings(settings, moto_ses.url))) as client:
        yield client


@pytest.fixture
def mailbox(moto_ses: LocalSes) -> Mailbox:
    return Mailbox(moto_ses.url)
