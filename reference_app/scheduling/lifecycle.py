"""The job status lifecycle: which action moves which status where."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

Status = Literal["pending-confirmation", "scheduled", "in-progress", "completed", "cancelled", "no-show"]
Action = Literal["confirm", "decline", "start", "complete", "cancel", "no-show"]

STATUSES: tuple[Status, ...] = (
    "pending-confirmation",
    "scheduled",
    "in-progress",
    "completed",
    "cancelled",
    "no-show",
)
ACTIONS: tuple[Action, ...] = ("confirm", "decline", "start", "complete", "cancel", "no-show")
# Jobs in these statuses occupy their time: they count against slot capacity.
ACTIVE_STATUSES: tuple[Status, ...] = ("scheduled", "in-progress", "pending-confirmation")

TRANSITIONS: dict[tuple[Action, Status], Status] = {
    ("confirm", "pending-confirmation"): "scheduled",
    ("decline", "pending-confirmation"): "cancelled",
    ("start", "scheduled"): "in-progress",
    ("cancel", "scheduled"): "cancelled",
    ("complete", "in-progress"): "completed",
    # The client did not come: only a booked job whose start time has passed (after_start).
    ("no-show", "scheduled"): "no-show",
}
# Moves allowed only once the job's start time has passed: nobody misses an appointment to come.
AFTER_START: frozenset[Action] = frozenset({"no-show"})


def next_status(action: Action, current: str) -> Status | None:
    """The status `action` leads to from `current`, or None when the move is not allowed."""
    return TRANSITIONS.get((action, current))  # type: ignore[arg-type]


def too_early(action: str, start: datetime, now: datetime) -> bool:
    """True when `action` waits for the job's start and `start` is still to come."""
    return action in AFTER_START and start > now


def allowed_now(action: Action, current: str, start: datetime, now: datetime) -> Status | None:
    """next_status, and None as well for a move whose time has not come."""
    return None if too_early(action, start, now) else next_status(action, current)


def is_active(status: str) -> bool:
    return status in ACTIVE_STATUSES
