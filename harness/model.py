"""The model of a booking system that every suite speaks, and the adapter protocol that maps it
onto one real system.

The shape is a client per system under test: the code that decides what to do (a race plan, a
state machine, a checklist item) and the code that judges the result (the audit, an oracle) are
shared; what differs per system is one small adapter that turns an operation into the system's
own requests and its answers into outcomes:

- `Booked`: the system said yes (an id, the interval it holds, its status);
- `Refused`: the system said no, for a rule or because the time is taken;
- `Unknown`: no answer that can be trusted (a timeout, a 5xx, a lost connection). It may have
  committed: checkers treat it as "maybe", never as "no".

An adapter declares the capabilities it has (`Capability`); a check that needs one the target
lacks is not applicable and names the missing capability, never passed.

A booking may take several requests (a form, a details page, a verification code).
`prepare_booking` performs every step up to the request that commits and returns a
`PreparedBooking`; a race releases only the prepared `commit()` calls together, so it stays as
tight against a multi-step flow as against a one-request API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal, Protocol, runtime_checkable


# --8<-- [start:capabilities]
class Capability(StrEnum):
    PUBLIC_BOOKING = "public-booking"  # a client can book a slot of a service
    AVAILABILITY = "availability"  # the free slots of a service can be listed
    IDEMPOTENCY_KEYS = "idempotency-keys"  # a retried booking with one key books once
    CONFIRMATION_STEP = "confirmation-step"  # bookings can wait for staff to confirm them
    CAPACITY_ABOVE_ONE = "capacity-above-one"  # a slot can hold more than one booking
    LIFECYCLE = "lifecycle"  # staff move bookings: confirm, decline, start, complete, cancel
    ADMIN_CREATE = "admin-create"  # staff create bookings themselves
    ADMIN_RESCHEDULE = "admin-reschedule"  # staff move a booking to another time
    EMAILS = "emails"  # the emails a booking sent can be read
    FINAL_STATE = "final-state"  # every booking and whether it holds its time can be read
    PAGES = "pages"  # the booking page and calendar follow the page contract (browser suites)
    # What the checklist's Infrastructure and Monitoring items read beyond bookings: the
    # operations interfaces of the reference service. Declare one only for a system that answers
    # it as the reference does (docs/own-system.md says what each item then asks of it).
    HEALTH_REPORT = "health-report"  # GET /health: its status, running version and schema state
    CORS = "cors"  # its API answers CORS preflights, allowing only its own front end's origin
    SES = "ses"  # it mails through Amazon SES; bounces and complaints end up on a suppression list
    CLOUDWATCH = "cloudwatch"  # its dashboard and alarms are in CloudWatch


# --8<-- [end:capabilities]


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("an interval's ends must be aware datetimes")
        if self.end <= self.start:
            raise ValueError(f"an interval must end after it starts: {self.start} .. {self.end}")


@dataclass(frozen=True)
class Client:
    name: str
    email: str
    phone: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    capacity: int = 1
    requires_confirmation: bool = False
    calendar: str = ""  # whose time the service's bookings take (a business, a staff member)


@dataclass(frozen=True)
class Slot:
    service_id: str
    interval: Interval
    remaining: int | None = None  # places left, when the system says


# --8<-- [start:outcomes]
@dataclass(frozen=True)
class Booked:
    booking_id: str
    interval: Interval
    status: str
    kind: Literal["booked"] = "booked"


@dataclass(frozen=True)
class Refused:
    reason: Literal["taken", "rule"]
    code: str  # the system's own word for it, e.g. "slot_full", "outside_working_hours"
    detail: str = ""
    kind: Literal["refused"] = "refused"


@dataclass(frozen=True)
class Unknown:
    why: str  # "timeout", "HTTP 503", "connection reset": it may have committed
    kind: Literal["unknown"] = "unknown"


Outcome = Booked | Refused | Unknown
# --8<-- [end:outcomes]


# --8<-- [start:final-state]
@dataclass(frozen=True)
class BookingRecord:
    """One booking as the system stores it at the end of a run."""

    booking_id: str
    service_id: str
    interval: Interval
    status: str
    occupies: bool  # whether its status holds the time (pending, scheduled, under way)
    capacity: int = 1
    calendar: str = ""
    client_email: str | None = None


@dataclass(frozen=True)
class FinalState:
    bookings: Sequence[BookingRecord] = field(default_factory=tuple)
    read_from: str = ""  # where it was read: "database", "admin API", ...


# --8<-- [end:final-state]


# --8<-- [start:protocol]
class PreparedBooking(Protocol):
    def commit(self) -> Outcome:
        """Send the one request that commits the booking, and judge its answer."""


@runtime_checkable
class BookingSystem(Protocol):
    """What an adapter implements. Operations never raise for the system's own answers: a
    refusal is `Refused`, a broken answer `Unknown`; they raise only for the harness's own
    misuse (an operation of a capability the adapter does not declare)."""

    name: str
    capabilities: frozenset[Capability]

    def services(self) -> Mapping[str, Service]:
        """The bookable services by role ("standard", "workshop", ...) the target names."""

    def availability(self, service_id: str, first: date, last: date) -> Sequence[Slot]:
        """The free slots of a service on the local days first..last."""

    def prepare_booking(
        self, service_id: str, interval: Interval, client: Client, *, idempotency_key: str | None = None
    ) -> PreparedBooking:
        """Every step of a booking up to the request that commits it."""

    def final_state(self, first: date, last: date) -> FinalState:
        """Every booking whose time falls on the days first..last (for the audit)."""

    def close(self) -> None:
        """Release connections and sessions."""


@runtime_checkable
class ProposesSlots(Protocol):
    """Optional: an adapter of a system that cannot list its free slots (no AVAILABILITY) but
    knows which it offers, so a race can aim at one."""

    def candidate_slots(self, service_id: str, first: date, last: date) -> Sequence[Slot]:
        """Slots of the service on the days first..last that a client could ask for."""


# --8<-- [end:protocol]


class MissingCapability(Exception):
    """A check needs a capability the target's adapter does not declare: not applicable."""

    def __init__(self, system: str, capability: Capability) -> None:
        super().__init__(f"{system} does not offer {capability.value}: not applicable")
        self.system = system
        self.capability = capability


def require(system: BookingSystem, capability: Capability) -> None:
    if capability not in system.capabilities:
        raise MissingCapability(system.name, capability)


def book(
    system: BookingSystem,
    service_id: str,
    interval: Interval,
    client: Client,
    *,
    idempotency_key: str | None = None,
) -> Outcome:
    """One booking, every step in a row (no race)."""
    return system.prepare_booking(service_id, interval, client, idempotency_key=idempotency_key).commit()
