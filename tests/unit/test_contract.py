"""The harness's view of the API contract agrees with the reference service's rules."""

from harness.contract import BOOKING_RULE_CODES
from reference_app.scheduling import rules


def test_rule_codes_match_the_reference_service_in_check_order() -> None:
    assert BOOKING_RULE_CODES == (
        rules.PAST_SLOT,
        rules.UNDER_MINIMUM_NOTICE,
        rules.SAME_DAY_NOT_ALLOWED,
        rules.BEYOND_ADVANCE_WINDOW,
        rules.OUTSIDE_WORKING_HOURS,
        rules.NOT_ON_SLOT_BOUNDARY,
    )
    assert set(BOOKING_RULE_CODES) == set(rules.RULE_MESSAGES)
