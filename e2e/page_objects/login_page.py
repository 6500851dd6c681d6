"""The admin sign-in page, /login."""

from __future__ import annotations

from playwright.sync_api import Page


class LoginPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.form = page.get_by_test_id("login-form")
        self.email = page.get_by_label("Email", exact=True)
        self.password = page.get_by_label("Password", exact=True)
        self.submit = page.get_by_test_id("login-submit")
        self.error = page.get_by_test_id("login-error")

    def open(self) -> LoginPage:
        self.page.goto("/login")
        return self

    def sign_in(self, email: str, password: str) -> None:
        """Submit the form and wait for the page it leads to (the calendar, or this form again)."""
        self.email.fill(email)
        self.password.fill(password)
        with self.page.expect_navigation():
            self.submit.click()
