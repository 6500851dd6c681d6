"""What every check receives: the target, its adapter (opened once, on first use), the run's
options, AWS clients and the suite runs."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from checklists.applicability import lacking, not_applicable
from checklists.model import CheckResult
from checklists.suites import SuiteRunner
from harness.adapters import open_adapter
from harness.model import BookingSystem, Capability
from harness.target import Target

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
# boto3 needs some credentials to sign requests; moto accepts any.
MOTO_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK_HOSTS


@dataclass
class CheckContext:
    target: Target
    report_dir: Path
    suites: SuiteRunner
    repo_root: Path = field(default_factory=Path.cwd)
    env_file: Path | None = None
    expect_version: str | None = None
    expect_public_url: str | None = None
    today: date = field(default_factory=date.today)
    http_timeout: float = 10.0
    _system: BookingSystem | None = field(default=None, repr=False)

    def system(self) -> BookingSystem:
        """The target's adapter (harness/adapters), opened on first use; `close()` releases it."""
        if self._system is None:
            self._system = open_adapter(self.target)
        return self._system

    def close(self) -> None:
        if self._system is not None:
            self._system.close()
            self._system = None

    def not_applicable(self, *needs: Capability, what: str = "") -> CheckResult | None:
        """The not-applicable result when the adapter lacks any of `needs`, else None."""
        system = self.system()
        missing = lacking(needs, system.capabilities)
        return not_applicable(system.name, missing, system.capabilities, what) if missing else None

    @property
    def local(self) -> bool:
        """Local mode: the harness started the target, or it listens on loopback only."""
        return self.target.local or is_loopback(self.target.base_url)

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.target.base_url, timeout=self.http_timeout)

    def aws_client(self, service: str) -> Any:
        """A boto3 client for the target's AWS: its endpoint (moto) or real AWS when none."""
        import boto3

        endpoint = self.target.aws_endpoint_url
        region = self.target.aws_region or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        credentials: dict[str, str] = {}
        if endpoint and is_loopback(endpoint) and not os.environ.get("AWS_ACCESS_KEY_ID"):
            credentials = MOTO_CREDENTIALS
        return boto3.client(service, region_name=region, endpoint_url=endpoint, **credentials)
