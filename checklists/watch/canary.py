"""The canary: a client's booking, end to end, on the one service the team marks for monitoring
(the target's "canaryService"): find a free slot, book it, see the confirmation email arrive
(where the target names a mailbox), cancel it. Each step's outcome and latency is recorded; a
failed round is an alert. Whatever fails, the round ends by releasing every booking it made
(found by the round's own client address), and says so when it cannot."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from harness.adapters.reference_client import BookingApi
from harness.exit_codes import CannotJudge, first_line
from harness.mailbox import Mailbox
from harness.target import Target

DEFAULT_EMAIL = "success+canary@simulator.amazonses.com"  # SES's simulator: delivered, no reputation cost
LOOK_AHEAD_DAYS = 14
RELEASE = {"scheduled": "cancel", "pending-confirmation": "decline"}
REASON = "watch canary: an automated check booking, released at once"


@dataclass
class Step:
    name: str
    ok: bool
    seconds: float
    detail: str = ""
    skipped: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "step": self.name,
            "ok": self.ok,
            "seconds": round(self.seconds, 4),
            "detail": self.detail,
            "skipped": self.skipped,
        }


@dataclass
class Round:
    number: int
    started_at: datetime
    client_email: str
    steps: list[Step] = field(default_factory=list)
    booking_id: str | None = None
    left_behind: list[str] = field(default_factory=list)  # bookings it could not release

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps) and not self.left_behind

    def alert_line(self) -> str:
        failed = next((s for s in self.steps if not s.ok), None)
        where = f"failed at {failed.name}: {failed.detail}" if failed else "passed its steps"
        cleanup = (
            f"; LEFT BEHIND booking(s) {', '.join(self.left_behind)}"
            if self.left_behind
            else "; nothing left behind"
        )
        return f"canary ALERT round {self.number} ({self.started_at:%Y-%m-%d %H:%M:%S}Z) {where}{cleanup}"

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.number,
            "startedAt": self.started_at.isoformat(),
            "ok": self.ok,
            "clientEmail": self.client_email,
            "bookingId": self.booking_id,
            "leftBehind": self.left_behind,
            "steps": [s.to_json() for s in self.steps],
        }


def round_address(base: str, tag: str) -> str:
    local, _, domain = base.partition("@")
    return f"{local}{'-' if '+' in local else '+'}{tag}@{domain}"


class Canary:
    def __init__(
        self, target: Target, *, client_email: str = DEFAULT_EMAIL, mail_timeout: float = 60.0
    ) -> None:
        if not target.canary_service:
            raise CannotJudge(
                'the target marks no service for the canary: set "canaryService" to the id of a service kept '
                "for monitoring (or HARNESS_CANARY_SERVICE); the canary books nowhere else"
            )
        if not target.has_admin:
            raise CannotJudge(
                "the canary cancels its bookings as staff: give admin credentials in the target file"
            )
        self.target, self.service = target, target.canary_service
        self.client_email, self.mail_timeout = client_email, mail_timeout
        self.api = BookingApi(target.base_url, timeout=30.0)
        self.run_tag = uuid.uuid4().hex[:8]

    def close(self) -> None:
        self.api.close()

    def _step(self, found: Round, name: str, action: Callable[[], str]) -> bool:
        began = time.monotonic()
        try:
            detail, ok = action(), True
        except Exception as exc:  # a step's failure is the round's finding, never the watch's crash
            detail, ok = f"{type(exc).__name__}: {first_line(exc)}", False
        found.steps.append(Step(name, ok, time.monotonic() - began, detail))
        return ok

    def _signed_in(self) -> None:
        if not self.api.auth:
            response = self.api.login(self.target.admin_email or "", self.target.admin_password or "")
            if response.status_code != 200:
                raise RuntimeError(f"staff sign-in answered {response.status_code}")

    def run_round(self, number: int) -> Round:
        found = Round(number, datetime.now(UTC), round_address(self.client_email, f"{self.run_tag}-{number}"))
        slot: dict[str, Any] = {}

        def availability() -> str:
            today = datetime.now(UTC).date()
            response = self.api.availability(self.service, today, today + timedelta(days=LOOK_AHEAD_DAYS - 1))
            if response.status_code != 200:
                raise RuntimeError(f"availability answered {response.status_code}")
            free = [s for s in response.json()["slots"] if s.get("remaining", 1) > 0]
            if not free:
                raise RuntimeError(f"no free slot in the next {LOOK_AHEAD_DAYS} days")
            slot.update(free[0])
            return f"{len(free)} free slot(s); taking {slot['startTime']}"

        def book() -> str:
            response = self.api.book(
                self.service,
                slot["startTime"],
                name="Watch canary",
                email=found.client_email,
                notes=REASON,
                idempotency_key=f"canary-{self.run_tag}-{number}",
            )
            if response.status_code != 201:
                raise RuntimeError(f"the booking answered {response.status_code}: {response.text[:120]}")
            job = response.json()["job"]
            found.booking_id = str(job["id"])
            return f"booked {found.booking_id} ({job['status']})"

        def confirmation() -> str:
            mailbox = Mailbox(self.target.mailbox_url or "")
            try:
                [first, *_] = mailbox.wait_for(found.client_email, timeout=self.mail_timeout)
            finally:
                mailbox.http.close()
            return f"arrived: {first.subject!r}"

        if self._step(found, "availability", availability) and self._step(found, "book", book):
            if self.target.mailbox_url:
                self._step(found, "confirmation email", confirmation)
            else:
                found.steps.append(
                    Step("confirmation email", True, 0.0, "no mailbox named: not checked", True)
                )
        if found.booking_id is not None or any(s.name == "book" for s in found.steps):
            self._step(found, "cancel", lambda: self._release(found, slot))
        return found

    def _release(self, found: Round, slot: dict[str, Any]) -> str:
        """Release every active booking of this round's client; the ones it cannot are left
        behind (and the step fails)."""
        self._signed_in()
        day = datetime.fromisoformat(str(slot["startTime"]).replace("Z", "+00:00")).date()
        listed = self.api.jobs(day - timedelta(days=1), day + timedelta(days=1), sorted(RELEASE))
        if listed.status_code == 401:
            self.api.auth = {}
            self._signed_in()
            listed = self.api.jobs(day - timedelta(days=1), day + timedelta(days=1), sorted(RELEASE))
        if listed.status_code != 200:
            found.left_behind = [found.booking_id or "(unknown)"]
            raise RuntimeError(f"cannot list the round's bookings ({listed.status_code})")
        mine = [
            j for j in listed.json()["jobs"] if (j.get("contact") or {}).get("email") == found.client_email
        ]
        released: list[str] = []
        left: list[str] = []
        for job in mine:
            answer = self.api.act(job["id"], RELEASE[job["status"]], reason=REASON)
            (released if answer.status_code == 200 else left).append(str(job["id"]))
        found.left_behind = left
        if left:
            raise RuntimeError(f"could not release {', '.join(left)}")
        return f"released {', '.join(released) or 'nothing (no booking was made)'}"


def run_canary(
    canary: Canary,
    *,
    rounds: int | None,
    every: float,
    on_round: Callable[[Round], None] = lambda _: None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Round]:
    """`rounds` rounds (None: until interrupted), one every `every` seconds."""
    done: list[Round] = []
    number = 0
    while rounds is None or number < rounds:
        number += 1
        began = time.monotonic()
        done.append(canary.run_round(number))
        on_round(done[-1])
        if rounds is None or number < rounds:
            sleep(max(0.0, every - (time.monotonic() - began)))
    return done
