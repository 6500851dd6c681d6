"""One recorded operation of a load run: a booking attempt, an admin create or reschedule, or
an admin move on a job.

Outcomes follow Jepsen's ok / fail / info: "ok" is acknowledged, "rejected" definitely did
not happen (a 4xx), "indeterminate" may or may not have happened (a timeout, a dropped
connection, a 5xx, a malformed answer, or a request cut short when the run stopped).
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from harness.model import Booked, Refused
from harness.model import Outcome as AdapterOutcome

Outcome = Literal["ok", "rejected", "indeterminate"]
Kind = Literal["book", "create", "reschedule", "confirm", "decline", "cancel", "start", "complete", "fault"]
# Operations that make a new job: a public booking, an admin create. Both name their request.
JOB_CREATING: frozenset[str] = frozenset({"book", "create"})
# Moves after which a job may no longer hold its interval: it moved away, or its status frees
# the slot (cancelled, declined, completed). A start is not among them: a job under way
# (in-progress) still occupies its slot, as a confirm leaves a job occupying it.
RELEASING: frozenset[str] = frozenset({"reschedule", "cancel", "decline", "complete"})
# "fault": something the nemesis did to the target (code names it), from injection to recovery.
OUTCOMES: tuple[Outcome, ...] = ("ok", "rejected", "indeterminate")
INTERRUPTED = "interrupted"

# The contact address of a booking names the run and the logical request it came from, so
# the audit can tell which jobs in the final state are this run's and which request made them.
_MARKER = re.compile(r"^load-(?P<run>[0-9a-z]+)-(?P<request>[0-9a-z]+)@harness\.example\.com$")


def new_id() -> str:
    return secrets.token_hex(6)


def contact_email(run_id: str, request_id: str) -> str:
    return f"load-{run_id}-{request_id}@harness.example.com"


def request_of_email(email: str | None, run_id: str) -> str | None:
    """The request id a contact address names, when it belongs to this run."""
    match = _MARKER.match((email or "").lower())
    if match is None or match["run"] != run_id:
        return None
    return match["request"]


@dataclass(frozen=True)
class Operation:
    id: str
    kind: Kind
    process: str
    start: float  # wall-clock seconds since the epoch, at invocation
    end: float  # at completion (or interruption)
    outcome: Outcome
    status: int  # HTTP status; 0 when there was no response
    code: str | None = None  # error code of a 4xx/5xx, or the exception's name
    # Bookings: the logical request (retries with one Idempotency-Key share it), what was asked.
    request_id: str | None = None
    service_id: str | None = None
    slot_start: str | None = None
    idempotency_key: str | None = None
    attempt: int = 0
    replayed: bool = False
    # The job acknowledged (book, create) or acted on (reschedule, confirm, decline, cancel,
    # start, complete), and its interval as the answer gave it (a reschedule: where it went).
    job_id: str | None = None
    job_start: str | None = None
    job_end: str | None = None
    detail: str | None = None  # faults: what was done, in words
    # A booking raced through an adapter: the instant its round released every prepared
    # commit (`start` is when this one was released; their spread is the race's tightness).
    release_at: float | None = None

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Operation:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def describe(self) -> dict[str, Any]:
        """The operation as evidence: what was asked, when, and what came back."""
        return {k: v for k, v in self.to_json().items() if v not in (None, False)}


def booking_ops(ops: Iterable[Operation]) -> Iterator[Operation]:
    """The operations that create jobs (public bookings and admin creates)."""
    return (op for op in ops if op.kind in JOB_CREATING)


def outcome_fields(outcome: AdapterOutcome) -> dict[str, Any]:
    """An adapter's outcome as an operation's: booked is ok (with the job and its interval),
    refused is rejected, unknown is indeterminate (it may have committed); the code is the
    system's word for a refusal, or why the answer cannot be trusted."""
    if isinstance(outcome, Booked):
        start, end = (t.isoformat() for t in (outcome.interval.start, outcome.interval.end))
        return {"outcome": "ok", "job_id": outcome.booking_id, "job_start": start, "job_end": end}
    if isinstance(outcome, Refused):
        return {"outcome": "rejected", "code": outcome.code}
    return {"outcome": "indeterminate", "code": outcome.why}
