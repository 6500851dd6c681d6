"""Suite 5, the calendar's admin session: it needs a signed-in admin, and signing out ends it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.page_objects.login_page import LoginPage
from e2e.page_objects.schedule_page import SchedulePage
from harness.target import Target

pytestmark = pytest.mark.suite5


def test_schedule_requires_login(page: Page, target: Target) -> None:
    if not target.has_admin:
        pytest.skip("the target names no admin credentials")
    page.goto("/schedule?view=month")
    expect(page).to_have_url(f"{target.base_url}/login?next=%2Fschedule%3Fview%3Dmonth")
    login = LoginPage(page)
    login.sign_in(target.admin_email or "", "not-the-password")
    expect(login.error).to_contain_text("Email or password is wrong.")
    login.sign_in(target.admin_email or "", target.admin_password or "")
    expect(page).to_have_url(f"{target.base_url}/schedule?view=month")
    expect(SchedulePage(page).calendar).to_have_attribute("data-view", "month")


def test_logout_invalidates_the_session(signed_in: Page, target: Target) -> None:
    context = signed_in.context
    saved = context.cookies()
    assert any(c["name"] == "booking_session" and c["httpOnly"] for c in saved)
    SchedulePage(signed_in).logout.click()
    expect(signed_in).to_have_url(f"{target.base_url}/login")
    # Replaying the old session cookie gets nowhere: the token was deleted on the server.
    context.add_cookies(saved)  # type: ignore[arg-type]
    signed_in.goto("/schedule")
    expect(signed_in).to_have_url(f"{target.base_url}/login?next=%2Fschedule")
