"""Pure unit tests for the job status lifecycle."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import get_args

import pytest

from reference_app.scheduling.lifecycle import (
    ACTIONS as SERVICE_ACTIONS,
)
from reference_app.scheduling.lifecycle import (
    ACTIVE_STATUSES,
    STATUSES,
    TRANSITIONS,
    Action,
    Status,
    allowed_now,
    is_active,
    next_status,
    too_early,
)

ACTIONS: tuple[Action, ...] = ("confirm", "decline", "start", "complete", "cancel", "no-show")

ALLOWED: dict[tuple[Action, Status], Status] = {
    ("confirm", "pending-confirmation"): "scheduled",
    ("decline", "pending-confirmation"): "cancelled",
    ("start", "scheduled"): "in-progress",
    ("cancel", "scheduled"): "cancelled",
    ("complete", "in-progress"): "completed",
    ("no-show", "scheduled"): "no-show",
}
ALL_PAIRS = list(itertools.product(ACTIONS, STATUSES))


def test_vocabularies_match_the_literals() -> None:
    assert set(get_args(Action)) == set(ACTIONS) == set(SERVICE_ACTIONS)
    assert STATUSES == get_args(Status)
    assert len(ALL_PAIRS) == 36


@pytest.mark.parametrize(("action", "status"), ALL_PAIRS)
def test_every_action_status_pair(action: Action, status: Status) -> None:
    assert next_status(action, status) == ALLOWED.get((action, status))


@pytest.mark.parametrize(("pair", "target"), sorted(ALLOWED.items()))
def test_allowed_transitions(pair: tuple[Action, Status], target: Status) -> None:
    action, status = pair
    assert next_status(action, status) == target


def test_transition_table_is_exactly_the_allowed_set() -> None:
    assert TRANSITIONS == ALLOWED
    assert sum(next_status(a, s) is not None for a, s in ALL_PAIRS) == 6


@pytest.mark.parametrize("status", ["completed", "cancelled", "no-show"])
def test_terminal_statuses_accept_no_action(status: Status) -> None:
    assert [next_status(action, status) for action in ACTIONS] == [None] * len(ACTIONS)


@pytest.mark.parametrize(
    ("status", "actions"),
    [
        ("pending-confirmation", {"confirm", "decline"}),
        ("scheduled", {"start", "cancel", "no-show"}),
        ("in-progress", {"complete"}),
        ("completed", set()),
        ("cancelled", set()),
        ("no-show", set()),
    ],
)
def test_actions_available_per_status(status: Status, actions: set[str]) -> None:
    assert {a for a in ACTIONS if next_status(a, status) is not None} == actions


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("cancel", "in-progress"),  # a started job cannot be cancelled
        ("cancel", "pending-confirmation"),  # pending jobs are declined, not cancelled
        ("confirm", "scheduled"),  # confirming twice
        ("start", "pending-confirmation"),  # cannot start before confirmation
        ("complete", "scheduled"),  # cannot skip in-progress
        ("start", "in-progress"),
        ("decline", "scheduled"),
        ("no-show", "pending-confirmation"),  # never confirmed: nothing was missed
        ("no-show", "in-progress"),  # the client came
    ],
)
def test_notable_forbidden_moves(action: Action, status: Status) -> None:
    assert next_status(action, status) is None


@pytest.mark.parametrize(
    "status", ["", "Scheduled", "SCHEDULED", "pending", "in_progress", "done", "unknown"]
)
def test_unknown_status_has_no_transition(status: str) -> None:
    assert [next_status(action, status) for action in ACTIONS] == [None] * len(ACTIONS)


def test_happy_paths() -> None:
    status: Status | None = "pending-confirmation"
    for action in ("confirm", "start", "complete"):
        assert status is not None
        status = next_status(action, status)
    assert status == "completed"
    assert next_status("cancel", "scheduled") == "cancelled"
    assert next_status("decline", "pending-confirmation") == "cancelled"


@pytest.mark.parametrize(
    ("status", "active"),
    [
        ("pending-confirmation", True),
        ("scheduled", True),
        ("in-progress", True),
        ("completed", False),
        ("cancelled", False),
        ("no-show", False),
        ("", False),
        ("Scheduled", False),
        ("in_progress", False),
        ("unknown", False),
    ],
)
def test_is_active(status: str, active: bool) -> None:
    assert is_active(status) is active


def test_active_statuses() -> None:
    assert set(ACTIVE_STATUSES) == {"pending-confirmation", "scheduled", "in-progress"}
    assert [s for s in STATUSES if is_active(s)] == ["pending-confirmation", "scheduled", "in-progress"]


@pytest.mark.parametrize(("pair", "target"), sorted(ALLOWED.items()))
def test_allowed_moves_start_from_active_jobs(pair: tuple[Action, Status], target: Status) -> None:
    assert is_active(pair[1]) is True  # every allowed move starts from an active job
    assert is_active(target) is (target in {"scheduled", "in-progress"})


NOW = datetime(2030, 1, 9, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "expected"),
    [(NOW + timedelta(minutes=1), None), (NOW, "no-show"), (NOW - timedelta(days=3), "no-show")],
)
def test_no_show_waits_for_the_start_time(start: datetime, expected: Status | None) -> None:
    assert too_early("no-show", start, NOW) is (expected is None)
    assert allowed_now("no-show", "scheduled", start, NOW) == expected


@pytest.mark.parametrize("action", [a for a in ACTIONS if a != "no-show"])
def test_other_moves_do_not_wait_for_the_start(action: Action) -> None:
    later = NOW + timedelta(days=30)
    for status in STATUSES:
        assert allowed_now(action, status, later, NOW) == next_status(action, status)
