"""The sender's retry policy: each failed attempt doubles the wait before the next, up to the
cap, so an SES outage is not hammered and a short one is retried soon."""

from __future__ import annotations

import pytest

from reference_app.emails.sender import RetryPolicy
from reference_app.settings import Settings


def test_the_wait_doubles_after_each_failure_up_to_the_cap() -> None:
    policy = RetryPolicy(max_attempts=10, base_seconds=2.0, max_seconds=60.0)
    assert [policy.delay(before) for before in range(8)] == [2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.parametrize("before", [0, 1, 5, 40])
def test_the_wait_is_never_above_the_cap_nor_below_the_base(before: int) -> None:
    policy = RetryPolicy(max_attempts=50, base_seconds=1.5, max_seconds=300.0)
    assert 1.5 <= policy.delay(before) <= 300.0


def test_the_policy_reads_the_settings() -> None:
    settings = Settings(
        database_url="postgresql://unused",
        email_max_attempts=7,
        email_retry_base_seconds=3.0,
        email_retry_max_seconds=90.0,
    )
    assert RetryPolicy.from_settings(settings) == RetryPolicy(7, 3.0, 90.0)
