"""The booking page, the sign-in page and the calendar for a Selenium WebDriver session: the
same data-testid selectors and the same steps as the Playwright page objects beside this file,
for engines Playwright does not drive here (WebKitGTK)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

# As long as Playwright's expect() waits by default, and then some: WebKit on a shared machine.
WAIT_SECONDS = 15.0
T = TypeVar("T")


def by_test_id(test_id: str) -> str:
    return f'[data-testid="{test_id}"]'


class WebDriverPage:
    def __init__(self, driver: WebDriver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url.rstrip("/")

    def goto(self, path: str) -> None:
        self.driver.get(f"{self.base_url}{path}")

    def wait_until(self, what: str, condition: Callable[[WebDriver], T | bool | None]) -> T:
        """Wait for `condition` to give something truthy; fail naming `what` was awaited."""
        try:
            return WebDriverWait(
                self.driver, WAIT_SECONDS, ignored_exceptions=(StaleElementReferenceException,)
            ).until(condition)  # type: ignore[arg-type,return-value]
        except TimeoutException:
            raise AssertionError(
                f"waited {WAIT_SECONDS:.0f} s for {what} on {self.driver.current_url}"
            ) from None

    def element(self, css: str) -> WebElement:
        """The first element matching `css` once it is displayed."""

        def shown(driver: WebDriver) -> WebElement | None:
            found = driver.find_elements("css selector", css)
            return found[0] if found and found[0].is_displayed() else None

        return self.wait_until(f"{css} to be visible", shown)

    def test_id(self, test_id: str) -> WebElement:
        return self.element(by_test_id(test_id))

    def wait_for_text(self, css: str, text: str) -> None:
        self.wait_until(
            f"{css} to read {text!r}",
            lambda d: any(e.text.strip() == text for e in d.find_elements("css selector", css)),
        )

    def wait_for_attribute(self, css: str, name: str, value: str) -> None:
        self.wait_until(
            f"{css} to have {name}={value!r}",
            lambda d: any(e.get_attribute(name) == value for e in d.find_elements("css selector", css)),
        )

    def scroll_width(self) -> tuple[int, int]:
        """(the page's scrollable width, the window's width): a sideways scroll when the first is larger."""
        width, viewport = self.driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        return int(width), int(viewport)


class WebDriverBookingPage(WebDriverPage):
    """/book/{serviceId}: see e2e/page_objects/booking_page.py."""

    slots = by_test_id("slot")
    confirmation_status = by_test_id("confirmation-status")

    def open(self, service_id: str) -> WebDriverBookingPage:
        self.goto(f"/book/{service_id}")
        return self

    def wait_for_slots(self) -> None:
        self.element(self.slots)

    def choose_slot(self, index: int = 0) -> str:
        """Pick the index-th free time; returns its start as the API gave it (UTC ISO)."""
        self.wait_for_slots()
        slot = self.driver.find_elements("css selector", self.slots)[index]
        slot.click()
        self.wait_until("the chosen time to be checked", lambda d: slot.is_selected())
        value = slot.get_attribute("value")
        assert value is not None
        return value

    def fill_contact(self, name: str, email: str) -> None:
        self.test_id("contact-name").send_keys(name)
        self.test_id("contact-email").send_keys(email)

    def book(self) -> None:
        self.test_id("book-button").click()

    def reference(self) -> str:
        return self.test_id("booking-reference").text.strip()


class WebDriverLoginPage(WebDriverPage):
    """/login: see e2e/page_objects/login_page.py."""

    def sign_in(self, email: str, password: str) -> None:
        """Submit the form and wait for the page it leads to (the calendar, or this form again)."""
        self.test_id("login-email").send_keys(email)
        self.test_id("login-password").send_keys(password)
        before = self.driver.current_url
        self.test_id("login-submit").click()
        self.wait_until("the sign-in to lead to another page", lambda d: d.current_url != before)


class WebDriverSchedulePage(WebDriverPage):
    """/schedule: see e2e/page_objects/schedule_page.py."""

    panel = by_test_id("job-panel")

    def open(self, view: str, day: str, job: str | None = None) -> WebDriverSchedulePage:
        params = {"view": view, "date": day}
        if job:
            params["job"] = job
        self.goto(f"/schedule?{urlencode(params)}")
        return self

    @staticmethod
    def chip(job_id: str) -> str:
        return f'{by_test_id("job-chip")}[data-job-id="{job_id}"]'

    def act(self, name: str) -> None:
        self.test_id(f"action-{name}").click()


def sign_in(driver: WebDriver, base_url: str, email: str, password: str) -> WebDriverSchedulePage:
    """As e2e/page_checks.sign_in: open the calendar, sign in on the form it leads to."""
    WebDriverPage(driver, base_url).goto("/schedule")
    WebDriverLoginPage(driver, base_url).sign_in(email, password)
    return WebDriverSchedulePage(driver, base_url)
