"""The public booking page, /book/{serviceId}."""

from __future__ import annotations

from playwright.sync_api import Page, expect


class BookingPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.service_name = page.get_by_test_id("service-name")
        self.time_zone = page.get_by_test_id("service-time-zone")
        self.zone_note = page.get_by_test_id("slots-zone-note")
        self.form = page.get_by_test_id("booking-form")
        self.date_picker = page.get_by_test_id("date-picker")
        self.slots_status = page.get_by_test_id("slots-status")
        self.slots = page.get_by_test_id("slot")
        self.slot_labels = page.get_by_test_id("slot-option")
        self.name = page.get_by_label("Name", exact=True)
        self.email = page.get_by_label("Email", exact=True)
        self.phone = page.get_by_test_id("contact-phone")
        self.notes = page.get_by_test_id("booking-notes")
        self.book_button = page.get_by_test_id("book-button")
        self.error = page.get_by_test_id("booking-error")
        self.confirmation = page.get_by_test_id("booking-confirmation")
        self.confirmation_status = page.get_by_test_id("confirmation-status")
        self.reference = page.get_by_test_id("booking-reference")
        self.not_found = page.get_by_test_id("not-found")

    def open(self, service_id: str) -> BookingPage:
        self.page.goto(f"/book/{service_id}")
        return self

    def wait_for_slots(self) -> None:
        expect(self.slots.first).to_be_visible()

    def choose_day(self, day: str) -> None:
        self.date_picker.fill(day)
        expect(self.slots_status).not_to_have_text("Loading free times…")

    def choose_slot(self, index: int = 0) -> str:
        """Pick the index-th free time; returns its start as the API gave it (UTC ISO)."""
        self.wait_for_slots()
        slot = self.slots.nth(index)
        slot.check()
        value = slot.get_attribute("value")
        assert value is not None
        return value

    def slot_label(self, index: int = 0) -> str:
        return self.slot_labels.nth(index).inner_text()

    def fill_contact(self, name: str, email: str, phone: str | None = None, notes: str | None = None) -> None:
        self.name.fill(name)
        self.email.fill(email)
        if phone is not None:
            self.phone.fill(phone)
        if notes is not None:
            self.notes.fill(notes)

    def book_first_free(self, name: str, email: str, *, by_tap: bool = False) -> str:
        """Book the first free time as a visitor would, by clicking (or by tapping, as on a
        phone), wait for the confirmation, and return the booking reference it shows."""
        if by_tap:
            self.wait_for_slots()
            self.slot_labels.first.tap()
            expect(self.slots.first).to_be_checked()
            for field, value in ((self.name, name), (self.email, email)):
                field.tap()
                field.fill(value)
            self.book_button.tap()
        else:
            self.choose_slot(0)
            self.fill_contact(name, email)
            self.book_button.click()
        expect(self.confirmation).to_be_visible()
        return self.reference.inner_text()
