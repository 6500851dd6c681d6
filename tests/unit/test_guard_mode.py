"""The guard a writer runs under: the default locks per calendar over the whole interval and
never pauses; each race_* variant changes exactly its own part, and only when switched on."""

from __future__ import annotations

import pytest

from reference_app.capacity import SLOW_COUNT_SECONDS, GuardMode, guard_mode
from reference_app.faults import fault_env
from reference_app.settings import Settings


def test_the_default_guard_locks_the_calendar_and_never_pauses() -> None:
    settings = Settings.from_env({})
    assert guard_mode(settings) == GuardMode()
    assert guard_mode(settings, admin=True) == GuardMode()


@pytest.mark.parametrize(
    ("fault", "public", "admin"),
    [
        ("race_lock_per_service", GuardMode(per_service=True), GuardMode(per_service=True)),
        ("race_lock_first_hour_only", GuardMode(first_hour_only=True), GuardMode(first_hour_only=True)),
        ("race_admin_writes_unlocked", GuardMode(), GuardMode(locked=False)),
        (
            "race_slow_capacity_count",
            GuardMode(pause_after_count=SLOW_COUNT_SECONDS),
            GuardMode(pause_after_count=SLOW_COUNT_SECONDS),
        ),
    ],
)
def test_each_variant_changes_only_its_part(fault: str, public: GuardMode, admin: GuardMode) -> None:
    settings = Settings.from_env(fault_env(fault))
    assert guard_mode(settings) == public
    assert guard_mode(settings, admin=True) == admin


def test_guard_off_unlocks_every_writer() -> None:
    settings = Settings.from_env({"BOOKING_CONCURRENCY_GUARD": "off"})
    assert not guard_mode(settings).locked and not guard_mode(settings, admin=True).locked
