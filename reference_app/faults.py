"""Deliberately broken variants of the reference service, named and off by default.

They exist so the harness can prove each of its checks catches the fault it is for (a race
audit that passes on a service that double-books is worthless). A variant is switched on only
with both `BOOKING_FAULTS=name,name` and `BOOKING_FAULTS_ALLOWED=break-this-service`; naming
faults without that second variable, or naming an unknown fault, stops the service at start-up
with an error (never a silent "off"). A service running with faults logs a loud warning and
names them in `GET /health`, so no checklist can mistake it for a healthy one.
"""

from __future__ import annotations

from collections.abc import Mapping

ALLOW_VALUE = "break-this-service"
# Also switched on by BOOKING_CONCURRENCY_GUARD=off, the guard's own off switch.
GUARD_OFF = "race_guard_off"

# name -> what the variant breaks. Each acts at one place, which asks
# `failpoint_active(name)` there (failpoints.py).
KNOWN_FAULTS: dict[str, str] = {
    GUARD_OFF: "the capacity guard takes no slot locks at all: concurrent bookings of one slot "
    "can double-book (the same as BOOKING_CONCURRENCY_GUARD=off)",
    "race_lock_per_service": "the capacity guard locks per service, not per calendar: two services "
    "of one business can fill the same time at once",
    "race_lock_first_hour_only": "the capacity guard locks only the first hour of an interval: a job "
    "that starts later inside a long one is not serialised against it",
    "race_admin_writes_unlocked": "admin creates, reschedules and confirms skip the capacity lock: "
    "they race public bookings unguarded",
    "race_emails_after_commit": "a public booking writes its emails in a second transaction after "
    "the job commits: a failed email write leaves a job nobody is told about",
    "capacity_ignores_started_jobs": "the capacity count and availability forget in-progress jobs: "
    "a slot whose job is under way takes another booking (capacity.py)",
    "rules_day_starts_ignore_dst": "a day's slot starts are computed from the UTC offset at local "
    "midnight: on a DST-change day every slot after the change is an hour off",
    # Browser suites (e2e/): each proves its suite fails against the service it describes.
    "race_slow_capacity_count": "the capacity guard waits half a second after its count before the "
    "write (a slow database): harmless while the slot locks serialise writers, a certain "
    "double-booking when they do not (with BOOKING_CONCURRENCY_GUARD=off)",
    "e2e_rule_same_day_off": "public bookings skip the same-day rule (the page still hides those days)",
    "e2e_rule_window_one_day_short": "bookings on the advance window's last day are refused as "
    "beyond it (the window counted a day short), while the page still offers that day "
    "(scheduling/rules.py)",
    "e2e_emails_not_queued": "a public booking queues none of its emails",
    "e2e_page_overflows_phone": "the booking page holds a row wider than a phone's screen",
    "e2e_booking_needs_chromium": "the booking page calls an API only Chromium has "
    "(navigator.userAgentData) when it sends a booking: in WebKit the booking is never sent",
    "prod_cors_any_origin": "CORS echoes any Origin back as allowed, forged ones included (http/cors.py)",
    "prod_suppression_ignored": "the sender mails addresses on the suppression list as if SES had never "
    "reported them (emails/sender.py)",
    "prod_signin_unthrottled": "failed sign-ins are never throttled: every attempt is hashed "
    "(http/abuse_limits.py)",
    "schema_drift_duration_cap": (
        "POST /admin/services refuses durationMinutes over 720 as invalid while the served schema "
        "still offers up to 1440: the server drifted from its schema"
    ),
    "load_ack_before_commit": "a public booking answers 201 before its transaction commits (the "
    "commit follows in a background task): a crash or a database restart then loses an "
    "acknowledged booking",
    "checklist_dashboard_link_internal_host": (
        "contractor emails link to an internal host instead of PUBLIC_APP_URL (emails/sender.py)"
    ),
    "e2e_calendar_create_ignores_conflicts": "staff creates (the calendar's create form, and "
    "POST /jobs alike) book over other jobs",
    "e2e_calendar_offers_every_move": "the job panel offers every lifecycle move, allowed or not",
    "email_renders_notes_raw": "the contractor's new-booking email renders the client's notes as "
    "HTML, unescaped (emails/sender.py)",
    "e2e_page_renders_description_raw": "the public booking page renders the service's description "
    "as HTML, unescaped (templates/book.html): markup staff typed runs in every client's browser",
}


class FaultConfigError(ValueError):
    """Faults were named without the explicit allowance, or a name is unknown."""


def parse_faults(env: Mapping[str, str]) -> frozenset[str]:
    raw = env.get("BOOKING_FAULTS", "").strip()
    if not raw:
        return frozenset()
    names = frozenset(part.strip() for part in raw.split(",") if part.strip())
    unknown = sorted(names - KNOWN_FAULTS.keys())
    if unknown:
        known = sorted(KNOWN_FAULTS)
        raise FaultConfigError(f"BOOKING_FAULTS names unknown faults {unknown}; known: {known}")
    if env.get("BOOKING_FAULTS_ALLOWED") != ALLOW_VALUE:
        raise FaultConfigError(
            f"BOOKING_FAULTS={raw!r} breaks the service on purpose; it is honoured only with "
            f"BOOKING_FAULTS_ALLOWED={ALLOW_VALUE} (for the harness's own teeth tests, never production)"
        )
    return names


def fault_env(*names: str) -> dict[str, str]:
    """The environment that starts a service with these faults (for the harness's tests)."""
    return {"BOOKING_FAULTS": ",".join(names), "BOOKING_FAULTS_ALLOWED": ALLOW_VALUE}
