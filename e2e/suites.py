"""The seed's ten E2E suites and, for every browser test, the seed case it automates.

One place for the mapping: the markers, the per-suite summary and docs/e2e/suite-index.md all
follow it. A browser test missing here stops the run at collection (see e2e/report.py)."""

from __future__ import annotations

from dataclasses import dataclass

SUITES: dict[int, str] = {
    1: "Public booking flow",
    2: "Double-booking prevention",
    3: "Business rules",
    4: "Admin conflict detection",
    5: "Job status lifecycle",
    6: "Email notifications",
    7: "Edge cases",
    8: "Performance",
    9: "Mobile responsiveness",
    10: "Cross-browser compatibility",
}


@dataclass(frozen=True)
class Case:
    suite: int
    text: str


# test function name -> the seed case it automates
CASES: dict[str, Case] = {
    # 1 Public booking flow
    "test_page_shows_service_duration_business_and_zone": Case(
        1, "1.1 The page shows the service, its duration, the business and its time zone"
    ),
    "test_only_days_in_the_advance_window_can_be_picked": Case(
        1, "1.2 Only days within the advance window can be picked"
    ),
    "test_free_times_are_the_availability_api_in_the_business_zone": Case(
        1, "1.3 Free times are those of the availability API, in the business's zone"
    ),
    "test_times_are_in_the_business_zone_whatever_the_browser_zone": Case(
        1, "1.3 Free times are those of the availability API, in the business's zone"
    ),
    "test_book_a_slot_end_to_end": Case(
        1, "1.4 A booking completes; the confirmation shows date, time and zone"
    ),
    "test_instant_service_says_confirmed": Case(1, "1.5 Instant vs pending-confirmation wording"),
    "test_booked_job_appears_on_the_admin_calendar": Case(1, "1.6 The job appears on the admin calendar"),
    "test_unknown_service_shows_a_friendly_not_found_page": Case(
        1, "1.1 The page shows the service (an unknown one gets a friendly 404)"
    ),
    "test_booking_page_screenshots": Case(1, "1.4 A booking completes (screenshots of the page)"),
    # 2 Double-booking prevention
    "test_two_clients_racing_for_the_last_slot_get_one_booking": Case(
        2, "2.1 Two clients submit the same last slot together: one confirmation, one 'slot taken'"
    ),
    "test_a_slot_taken_meanwhile_shows_the_conflict": Case(
        2, "2.1 A slot taken meanwhile shows 'slot taken' and is no longer offered"
    ),
    "test_a_pending_booking_blocks_its_slot_for_the_next_client": Case(
        2, "2.2 A pending booking blocks its slot for the next client"
    ),
    "test_admin_job_over_a_pending_booking_gets_the_conflict": Case(
        2, "2.3 An admin job over a pending booking gets the conflict listing it"
    ),
    # 3 Business rules
    "test_a_past_slot_is_not_offered_and_is_refused": Case(
        3, "3.1 Past slot: not offered, refused if forced"
    ),
    "test_outside_working_hours_is_not_offered_and_is_refused": Case(
        3, "3.2 Outside working hours: not offered, refused if forced"
    ),
    "test_same_day_is_not_offered_and_is_refused": Case(
        3, "3.3 Same-day (calendar day in the business zone): not offered, refused if forced"
    ),
    "test_beyond_the_advance_window_is_not_offered_and_is_refused": Case(
        3, "3.4 Beyond the advance window: not offered, refused if forced"
    ),
    "test_every_rule_code_gets_an_inline_message": Case(3, "3.x Every rule code is shown inline"),
    "test_the_last_start_of_a_working_day_is_offered_and_books": Case(
        3, "3.2 Working hours at their edge: the start that ends at closing is offered and books"
    ),
    "test_the_last_day_of_the_advance_window_is_offered_and_books": Case(
        3, "3.4 The advance window at its edge: its last day is offered and books, the next is not"
    ),
    "test_the_minimum_notice_offers_its_earliest_start_and_refuses_inside_it": Case(
        3, "3.x Minimum notice: the earliest start it allows is offered, one inside it refused"
    ),
    # 4 Admin conflict detection
    "test_create_over_a_booked_slot_lists_the_overlapping_jobs": Case(
        4, "4.1 Creating a job over a booked slot shows the 409 with the overlapping jobs"
    ),
    "test_reschedule_onto_a_taken_time_is_refused": Case(
        4, "4.2 Rescheduling onto a taken time is refused the same way"
    ),
    # 5 Job status lifecycle
    "test_pending_job_is_orange_everywhere_and_confirm_turns_it_blue": Case(
        5, "5.1 Confirm: pending (orange) to scheduled (blue)"
    ),
    "test_decline_asks_for_a_reason": Case(5, "5.1 Decline with a reason: pending to cancelled (red)"),
    "test_start_complete_and_cancel_where_the_lifecycle_allows": Case(
        5, "5.2 Start, complete and cancel through the calendar; colour and badge each time"
    ),
    "test_moves_not_allowed_are_not_offered": Case(5, "5.3 Moves that are not allowed are not offered"),
    "test_history_lists_each_move": Case(5, "5.3 The history lists each move"),
    "test_a_job_whose_time_has_passed_can_be_marked_a_no_show": Case(
        5, "5.4 A scheduled job whose time has passed is marked a no-show (purple), no email"
    ),
    "test_an_api_refusal_is_shown_not_swallowed": Case(5, "5.3 A refused move is shown, not swallowed"),
    "test_navigation_moves_between_days_weeks_and_months": Case(5, "5.x Calendar views and navigation"),
    "test_schedule_requires_login": Case(5, "5.x The calendar needs a signed-in admin"),
    "test_logout_invalidates_the_session": Case(5, "5.x Signing out ends the session"),
    "test_schedule_page_screenshots": Case(5, "5.x Every status in every view (screenshots)"),
    # 6 Email notifications
    "test_instant_booking_emails_client_and_contractor": Case(
        6, "6.1 Booking confirmed (client) and 6.3 new booking (contractor)"
    ),
    "test_pending_booking_emails_request_received": Case(
        6, "6.2 Request received, pending confirmation (client)"
    ),
    "test_confirm_emails_the_client": Case(6, "6.4 Booking now confirmed (client)"),
    "test_decline_emails_the_reason": Case(6, "6.5 Request declined, with the reason (client)"),
    "test_cancel_emails_client_and_contractor": Case(
        6, "6.6 Cancellation (client) and 6.7 cancellation (contractor)"
    ),
    "test_reschedule_emails_new_and_previous_time": Case(6, "6.8 Booking moved (client)"),
    # 7 Edge cases
    "test_dst_spring_forward_day_has_no_slot_in_the_gap": Case(
        7, "7.1 DST change: no slot in the spring-forward gap"
    ),
    "test_dst_fall_back_day_offers_each_slot_once": Case(
        7, "7.1 DST change: fall-back slots once, labelled right"
    ),
    "test_a_slot_ending_at_midnight_can_be_booked": Case(7, "7.2 A slot that ends at midnight (24:00)"),
    "test_long_and_non_latin_names_are_shown_intact": Case(
        7, "7.3 Long and non-Latin names (emoji, right-to-left, 200 characters) intact"
    ),
    "test_a_script_in_a_contact_name_is_shown_as_text": Case(7, "7.3 Names are escaped, never run"),
    "test_hostile_text_in_every_field_is_shown_inert": Case(
        7, "7.3 Hostile text in every stored field is shown as text on every page"
    ),
    "test_hostile_text_reaches_every_email_inert": Case(
        7, "7.3 Hostile text in every stored field is inert in every email (headers, text, HTML, .ics)"
    ),
    "test_double_submit_books_once": Case(7, "7.4 Double submit: one booking"),
    "test_back_button_after_booking_books_nothing_more": Case(
        7, "7.5 Back button after booking: no second booking, sane page"
    ),
    "test_expired_admin_session_applies_nothing_until_sign_in": Case(
        7, "7.6 Expired admin session: not applied, sign in, then it is"
    ),
    # 8 Performance
    "test_page_performance_within_budget": Case(
        8, "8.1 Page timings (TTFB, DOMContentLoaded, load, LCP, CLS) within budget"
    ),
    "test_submit_to_confirmation_within_budget": Case(8, "8.2 Submit to confirmation within budget"),
    "test_burst_of_clients_all_confirmed": Case(
        8, "8.3 A burst of clients booking at once: all confirmed, p95 within budget"
    ),
    # 9 Mobile responsiveness
    "test_booking_by_tapping_on_a_phone": Case(
        9, "9.1 The booking flow completes by tapping on phones, no sideways scrolling"
    ),
    "test_the_calendar_works_on_a_phone": Case(9, "9.1 The calendar works on a phone"),
    "test_tap_targets_are_large_enough": Case(9, "9.2 Tap targets at least 24x24 CSS px"),
    "test_no_serious_accessibility_violations": Case(
        9, "9.3 Accessibility scan (axe-core, target-size on): no serious or critical violations"
    ),
    # 10 Cross-browser compatibility
    "test_booking_flow_in_each_engine": Case(10, "10.1 The booking flow in each browser engine"),
    "test_calendar_in_each_engine": Case(10, "10.2 The calendar in each browser engine"),
    # Teeth: each guarding suite fails against a service broken the way it guards against.
    "test_suite2_catches_double_booking": Case(2, "Teeth: fails with the concurrency guard off"),
    "test_suite3_catches_a_rule_switched_off": Case(3, "Teeth: fails with the same-day rule off"),
    "test_suite3_catches_the_advance_window_counted_a_day_short": Case(
        3, "Teeth: fails when the window's last day is offered but refused"
    ),
    "test_suite4_catches_a_create_over_another_job": Case(
        4, "Teeth: fails when the calendar creates over another job"
    ),
    "test_suite5_catches_moves_offered_out_of_turn": Case(5, "Teeth: fails when every move is offered"),
    "test_suite6_catches_emails_not_queued": Case(6, "Teeth: fails when bookings queue no email"),
    "test_suite7_catches_a_stored_field_rendered_raw": Case(
        7, "Teeth: fails when the booking page renders the service description raw"
    ),
    "test_suite9_catches_a_page_wider_than_a_phone": Case(
        9, "Teeth: fails on a booking page wider than a phone"
    ),
    "test_suite10_catches_a_page_that_needs_chromium": Case(
        10, "Teeth: fails in WebKit on a booking page that calls a Chromium-only API"
    ),
}


def suite_marker(suite: int) -> str:
    return f"suite{suite}"
