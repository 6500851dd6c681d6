"""The job status lifecycle: which action moves which status where."""

from __future__ import annotations

from typing import Literal

Status = Literal["pending-confirmation", "scheduled", "in-progress", "completed", "cancelled"]
Action = Literal["confirm", "decline", "start", "complete", "cancel"]

STATUSES: tuple[Status, ...] = (
    "pending-confirmation",
    "scheduled",
    "in-progress",
    "completed",
    "cancelled",
)
# Jobs in these statuses occupy their time: they count against slot capacity.
ACTIVE_STATUSES: tuple[Status, ...] = ("scheduled", "in-progress", "pending-confirmation")

TRANSITIONS: dict[tuple[Action, Status], Status] = {
    ("confirm", "pending-confirmation"): "scheduled",
    ("decline", "pending-confirmation"): "cancelled",
    ("start", "scheduled"): "in-progress",
    ("cancel", "scheduled"): "cancelled",
    ("complete", "in-progress"): "completed",
}


def next_status(action: Action, current: str) -> Status | None:
    """The status `action` leads to from `current`, or None when the move is not allowed."""
    return TRANSITIONS.get((action, current))  # type: ignore[arg-type]


def is_active(status: str) -> bool:
    return status in ACTIVE_STATUSES
