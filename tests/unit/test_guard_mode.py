"""The locks a writer takes: by default its whole calendar over every hour bucket of the
interval; each race_lock_* variant changes exactly its own part, and only when switched on."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from reference_app.capacity import lock_buckets, lock_keys
from reference_app.failpoints import failpoints
from reference_app.settings import Settings

TENANT, SERVICE = uuid4(), uuid4()
START, END = datetime(2030, 1, 10, 9, 30, tzinfo=UTC), datetime(2030, 1, 10, 12, 30, tzinfo=UTC)
FIRST, LAST = lock_buckets(START, END)


def test_the_default_locks_the_calendar_over_the_whole_interval() -> None:
    assert LAST > FIRST
    assert lock_keys(TENANT, START, END, SERVICE) == (TENANT, FIRST, LAST)


@pytest.mark.parametrize(
    ("fault", "keys"),
    [
        ("race_lock_per_service", (SERVICE, FIRST, LAST)),
        ("race_lock_first_hour_only", (TENANT, FIRST, FIRST)),
        ("race_admin_writes_unlocked", (TENANT, FIRST, LAST)),
        ("race_slow_capacity_count", (TENANT, FIRST, LAST)),
    ],
)
def test_each_variant_changes_only_its_part(fault: str, keys: tuple[object, int, int]) -> None:
    with failpoints({fault}):
        assert lock_keys(TENANT, START, END, SERVICE) == keys
    assert lock_keys(TENANT, START, END, SERVICE) == (TENANT, FIRST, LAST)


def test_guard_off_is_the_guard_off_failpoint() -> None:
    assert "race_guard_off" in Settings.from_env({"BOOKING_CONCURRENCY_GUARD": "off"}).failpoints
    assert Settings.from_env({}).failpoints == frozenset()
