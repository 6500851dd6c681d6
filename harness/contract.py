"""What the booking API promises its clients, as the harness suites judge it."""

from __future__ import annotations

# The 422 codes of a booking refused by a rule, in the order the rules are checked.
BOOKING_RULE_CODES: tuple[str, ...] = (
    "past_slot",
    "under_minimum_notice",
    "same_day_not_allowed",
    "beyond_advance_window",
    "outside_working_hours",
    "not_on_slot_boundary",
)
