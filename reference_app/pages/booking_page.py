"""The public booking page. It renders the service; the page's script reads availability from
and posts the booking to the public JSON API, so the booking rules live in one place."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from reference_app.deps import AppSettings, Conn
from reference_app.failpoints import failpoint_active
from reference_app.http.errors import ApiError
from reference_app.pages.page_errors import not_found_page
from reference_app.services import service as services
from reference_app.sql import query

NOT_BOOKABLE = "This service does not exist or is not taking bookings."


def booking_window(today: date, same_day: bool, advance_days: int) -> tuple[date, date]:
    """The local days the date picker offers: the advance window, without today when same-day
    booking is off. The rules themselves are judged by the API when the booking is made."""
    first = today if same_day else today + timedelta(days=1)
    last = today + timedelta(days=advance_days)
    return first, max(first, last)


class BookingPageController(Controller):
    path = "/book"

    @get("/{service_id:str}")
    async def booking_page(self, conn: Conn, settings: AppSettings, service_id: FromPath[str]) -> Template:
        try:
            svc = await services.load_bookable_service(conn, UUID(service_id))
        except (ValueError, ApiError):
            return not_found_page(NOT_BOOKABLE)
        now = settings.clock.now()
        first, last = booking_window(
            now.astimezone(svc.tz).date(),
            svc.settings.same_day_booking,
            svc.settings.advance_booking_days,
        )
        # Open the picker on the first day that still has a free slot (within what one
        # availability call may cover), so a client does not start on an empty day.
        horizon = min(last, first + timedelta(days=services.MAX_AVAILABILITY_DAYS - 1))
        try:
            offered = await services.availability(conn, svc.id, first, horizon, now)
        except ApiError:  # deactivated in between
            return not_found_page(NOT_BOOKABLE)
        # The conversion's denominator, per service and hour (reference_app/migrations/0006).
        await conn.execute(query("count_page_view"), {"service_id": svc.id, "at": now})
        open_slot = next((s for s in offered.slots if s.remaining > 0), None)
        initial = open_slot.start_time.astimezone(svc.tz).date() if open_slot else first
        return Template(
            "book.html",
            context={
                "service": svc,
                "time_zone": svc.tz.key,
                "first_day": first.isoformat(),
                "last_day": last.isoformat(),
                "first_label": f"{first:%a %-d %b %Y}",
                "last_label": f"{last:%a %-d %b %Y}",
                "initial_day": initial.isoformat(),
                "requires_confirmation": svc.settings.require_confirmation,
                "overflow_fault": failpoint_active("e2e_page_overflows_phone"),
                "chromium_only_fault": failpoint_active("e2e_booking_needs_chromium"),
                "raw_description_fault": failpoint_active("e2e_page_renders_description_raw"),
            },
        )
