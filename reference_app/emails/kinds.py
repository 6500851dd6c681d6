"""The emails the service sends, and for each: who receives it and whether it carries a calendar
attachment (REQUEST adds or updates the event in the client's calendar, CANCEL removes it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Audience = Literal["client", "contractor"]
IcsMethod = Literal["REQUEST", "CANCEL"]


@dataclass(frozen=True)
class EmailKind:
    name: str
    audience: Audience
    ics: IcsMethod | None = None


CLIENT_INSTANT_CONFIRMATION = EmailKind("client_instant_confirmation", "client", "REQUEST")
CLIENT_PENDING_NOTIFICATION = EmailKind("client_pending_notification", "client")
CLIENT_BOOKING_CONFIRMED = EmailKind("client_booking_confirmed", "client", "REQUEST")
CLIENT_BOOKING_DECLINED = EmailKind("client_booking_declined", "client")
CONTRACTOR_NEW_BOOKING = EmailKind("contractor_new_booking", "contractor")
CLIENT_CANCELLATION = EmailKind("client_cancellation", "client", "CANCEL")
CONTRACTOR_CANCELLATION = EmailKind("contractor_cancellation", "contractor")
CLIENT_RESCHEDULE = EmailKind("client_reschedule", "client", "REQUEST")
CLIENT_RESCHEDULE_PENDING = EmailKind("client_reschedule_pending", "client")

ALL_KINDS = {
    kind.name: kind
    for kind in (
        CLIENT_INSTANT_CONFIRMATION,
        CLIENT_PENDING_NOTIFICATION,
        CLIENT_BOOKING_CONFIRMED,
        CLIENT_BOOKING_DECLINED,
        CONTRACTOR_NEW_BOOKING,
        CLIENT_CANCELLATION,
        CONTRACTOR_CANCELLATION,
        CLIENT_RESCHEDULE,
        CLIENT_RESCHEDULE_PENDING,
    )
}
