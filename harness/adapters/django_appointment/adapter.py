"""The django-appointment adapter: the harness's model of a booking system mapped onto the
pages a client's browser goes through in django-appointment 3.12.

A booking there is five requests, each with the CSRF cookie and the form's token:

1. GET  /appointment/request/<service>/            the booking page (sets the CSRF cookie)
2. POST /appointment/request-submit/               date, times, service, staff member:
                                                   creates an AppointmentRequest, redirects to
3. POST /appointment/client-info/<ar>/<id>/        name, email, phone: creates the client's
                                                   account, mails a code, redirects to
4. GET  /appointment/verification-code/<ar>/<id>/  the code form (the code is read from the
                                                   app's table, or its mail folder)
5. POST /appointment/verification-code/<ar>/<id>/  the code: creates the Appointment and
                                                   redirects to /appointment/thank-you/<id>/

`prepare_booking` performs 1-4; the prepared booking's `commit()` sends only 5, so a race
releases every client's last request together.

Capabilities, from the app's source:
- public booking, availability (its ajax slot list), final state (its tables, or the staff
  calendar's JSON through an admin session): declared;
- capacity above one: no, an appointment takes its staff member's time alone;
- confirmation step: no, the verification code proves the client's email, it is not staff
  confirming a booking (the appointment exists as soon as the code is accepted);
- idempotency keys: no, nothing in the flow deduplicates a retried submit;
- lifecycle: no, an appointment has no status to move (only edit or delete);
- admin create / reschedule: the staff pages have them, but as ajax calls this adapter does
  not drive; emails: the stack keeps them, but the model has no operation reading them;
- pages: its pages load their scripts from CDNs, and follow no page contract of the harness.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import psycopg

from harness.model import (
    Booked,
    BookingRecord,
    Capability,
    Client,
    FinalState,
    Interval,
    MissingCapability,
    Outcome,
    Refused,
    Service,
    Slot,
    Unknown,
)

STATUS = "booked"  # the app's appointments have no status: each one that exists holds its time
PHONE = ("FR", "612345678")  # the client form requires a valid phone; the model's is optional
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_THANK_YOU = re.compile(r"/appointment/thank-you/(\d+)/")
_VERIFY = re.compile(r"/appointment/verification-code/\d+/[^/]+/$")
_CLIENT_INFO = re.compile(r"/appointment/client-info/\d+/[^/]+/$")
# What the app tells a client on a page it re-renders: messages and form errors.
_SAYS = re.compile(
    r'<(?:li|div|p)[^>]*class="[^"]*(?:alert|errorlist|error|message)[^"]*"[^>]*>(.*?)</', re.S
)
# "Your verification code is K3ZQ9A." (its wording, in plain text or an HTML template)
_CODE_IN_MAIL = re.compile(r"(?i:code)\W+(?:is\W+)?([A-Z0-9]{6})\b")

_CODE_SQL = """
SELECT c.code FROM appointment_emailverificationcode c JOIN auth_user u ON u.id = c.user_id
WHERE lower(u.email) = lower(%s) ORDER BY c.created_at DESC, c.id DESC LIMIT 1"""
_APPOINTMENTS_SQL = """
SELECT a.id, r.service_id, r.date, r.start_time, r.end_time, r.staff_member_id, u.email
FROM appointment_appointment a
JOIN appointment_appointmentrequest r ON r.id = a.appointment_request_id
LEFT JOIN auth_user u ON u.id = a.client_id
WHERE r.date BETWEEN %s AND %s
ORDER BY r.date, r.start_time, a.id"""


def _says(page: str) -> str:
    texts = (re.sub(r"<[^>]+>", " ", html.unescape(m)).strip() for m in _SAYS.findall(page))
    return " | ".join(" ".join(t.split()) for t in texts if t)[:500]


def _token(response: httpx.Response, client: httpx.Client) -> str:
    """The form's CSRF token, or the cookie's (Django accepts either)."""
    found = _TOKEN.search(response.text)
    return found.group(1) if found else str(client.cookies.get("csrftoken", ""))


def _failed(response: httpx.Response, step: str) -> Outcome | None:
    """Judge a preparatory step's answer: None when it went on as a browser would expect.
    Nothing is committed before the last request, so a 4xx there is the app saying no."""
    if response.status_code >= 500:
        return Unknown(f"HTTP {response.status_code} at {step}")
    if response.status_code >= 400:
        return Refused("rule", f"http_{response.status_code}", f"{step}: {_says(response.text)}")
    return None


@dataclass
class _Settled:
    """A booking whose outcome was decided while preparing it: commit sends nothing."""

    outcome: Outcome

    def commit(self) -> Outcome:
        return self.outcome


# --8<-- [start:commit]
@dataclass
class PreparedAppointment:
    """Steps 1-4 done: the verification code form is open in this client's session."""

    client: httpx.Client
    url: str
    form: dict[str, str]
    interval: Interval
    headers: dict[str, str] = field(default_factory=dict)

    def commit(self) -> Outcome:
        try:
            answer = self.client.post(self.url, data=self.form, headers=self.headers, follow_redirects=False)
            outcome = self._judge(answer)
            if isinstance(outcome, Booked):
                # A browser goes on to the thank-you page; the booking stands whatever it says.
                try:
                    self.client.get(answer.headers["location"])
                except httpx.HTTPError:
                    pass
            return outcome
        except httpx.TimeoutException:
            return Unknown("timeout")
        except httpx.TransportError as exc:
            return Unknown(f"connection lost: {type(exc).__name__}")
        finally:
            self.client.close()

    def _judge(self, answer: httpx.Response) -> Outcome:
        if answer.is_redirect:
            booked = _THANK_YOU.search(answer.headers.get("location", ""))
            if booked:
                return Booked(booked.group(1), self.interval, STATUS)
            return Unknown(f"redirected to {answer.headers.get('location')!r}")
        if answer.status_code == 200:  # the code page again: the app refused the code
            return Refused("rule", "verification_refused", _says(answer.text))
        return _failed(answer, "the verification code") or Unknown(f"HTTP {answer.status_code}")


# --8<-- [end:commit]


# --8<-- [start:declares]
class DjangoAppointment:
    """`harness.model.BookingSystem` for django-appointment 3.12 (one staff member's calendar)."""

    name = "django-appointment"
    capabilities = frozenset({Capability.PUBLIC_BOOKING, Capability.AVAILABILITY, Capability.FINAL_STATE})
    # --8<-- [end:declares]

    def __init__(
        self,
        base_url: str,
        *,
        staff_member_id: str,
        time_zone: str,
        services: Mapping[str, str],
        service_minutes: Mapping[str, int],
        database_url: str | None = None,
        mail_dir: str | None = None,
        admin_email: str | None = None,
        admin_password: str | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.staff_member_id = staff_member_id
        self.zone = ZoneInfo(time_zone)
        self.roles = dict(services)
        self.minutes = {str(k): int(v) for k, v in service_minutes.items()}
        self.database_url = database_url
        self.mail_dir = Path(mail_dir) if mail_dir else None
        self.admin = (admin_email, admin_password) if admin_email and admin_password else None
        self.timeout = timeout
        # Every request carries the Origin a browser sends with a form post (Django checks it).
        self.origin = {"Origin": self.base_url}
        if not database_url and not self.mail_dir:
            raise ValueError(
                "django-appointment needs databaseUrl or adapterOptions.mailDir to read its codes"
            )

    @classmethod
    def from_target(cls, target: Any, options: Mapping[str, Any] | None = None) -> DjangoAppointment:
        """From a harness target and its "adapterOptions" (what the stack's target file holds)."""
        opts: Mapping[str, Any] = options if options is not None else getattr(target, "adapter_options", {})
        missing = [k for k in ("staffMemberId", "timeZone", "serviceMinutes") if k not in opts]
        if missing:
            raise ValueError(f"the django-appointment adapter needs adapterOptions {missing}")
        return cls(
            target.base_url,
            staff_member_id=str(opts["staffMemberId"]),
            time_zone=str(opts["timeZone"]),
            services=target.services,
            service_minutes=opts["serviceMinutes"],
            database_url=target.database_url,
            mail_dir=opts.get("mailDir"),
            admin_email=target.admin_email,
            admin_password=target.admin_password,
        )

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=self.timeout, follow_redirects=True)

    def services(self) -> Mapping[str, Service]:
        calendar = f"staff:{self.staff_member_id}"
        return {role: Service(id=sid, name=role, calendar=calendar) for role, sid in self.roles.items()}

    def _local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, self.zone)

    def availability(self, service_id: str, first: date, last: date) -> Sequence[Slot]:
        """The app's own slot list, one local day at a time (the booking page's ajax call)."""
        length = timedelta(minutes=self.minutes[service_id])
        slots: list[Slot] = []
        with self._client() as client:
            day = first
            while day <= last:
                answer = client.get(
                    "/appointment/ajax/available_slots/",
                    params={"selected_date": day.isoformat(), "staff_member": self.staff_member_id,
                            "service_id": service_id},
                    headers={"X-Requested-With": "XMLHttpRequest"},
                )  # fmt: skip
                answer.raise_for_status()
                for item in answer.json().get("available_slots") or ():
                    start = self._slot_start(day, item)
                    slots.append(Slot(service_id, Interval(start, start + length), remaining=1))
                day += timedelta(days=1)
        return slots

    def _slot_start(self, day: date, item: object) -> datetime:
        """3.12 lists [local ISO datetime, localized label]; earlier releases "09:30 AM"."""
        if isinstance(item, list):
            return datetime.fromisoformat(str(item[0])).replace(tzinfo=self.zone)
        return self._local(day, datetime.strptime(str(item), "%I:%M %p").time())

    # --8<-- [start:prepare]
    def prepare_booking(
        self, service_id: str, interval: Interval, client: Client, *, idempotency_key: str | None = None
    ) -> PreparedAppointment | _Settled:
        if idempotency_key is not None:
            raise MissingCapability(self.name, Capability.IDEMPOTENCY_KEYS)
        start, end = interval.start.astimezone(self.zone), interval.end.astimezone(self.zone)
        if start.date() != end.date():
            raise ValueError(f"django-appointment books within one local day, not {start} .. {end}")
        session = self._client()
        try:
            prepared = self._prepare(session, service_id, start, end, interval, client)
        except httpx.TimeoutException:
            prepared = _Settled(Unknown("timeout while preparing"))
        except httpx.TransportError as exc:
            prepared = _Settled(Unknown(f"connection lost while preparing: {type(exc).__name__}"))
        if isinstance(prepared, _Settled):
            session.close()
        return prepared

    def _prepare(
        self, session: httpx.Client, service_id: str, start: datetime, end: datetime, interval: Interval,
        client: Client,
    ) -> PreparedAppointment | _Settled:  # fmt: skip
        page = session.get(f"/appointment/request/{service_id}/")
        if failed := _failed(page, "the booking page"):
            return _Settled(failed)
        request_form = {
            "csrfmiddlewaretoken": _token(page, session),
            "staff_member": self.staff_member_id,
            "service": service_id,
            "date": start.date().isoformat(),
            "start_time": start.strftime("%H:%M"),
            "end_time": end.strftime("%H:%M"),
        }
        headers = {**self.origin, "Referer": str(page.url)}
        details = session.post("/appointment/request-submit/", data=request_form, headers=headers)
        if failed := _failed(details, "the appointment request"):
            return _Settled(failed)
        if not _CLIENT_INFO.search(details.url.path):
            return _Settled(Refused("rule", "request_rejected", _says(details.text)))
        client_form = {
            "csrfmiddlewaretoken": _token(details, session),
            "name": client.name,
            "email": client.email,
            "phone_0": PHONE[0],
            "phone_1": PHONE[1],
            "address": "",
            "additional_info": client.notes or "",
            "payment_type": "full",
        }
        headers = {**self.origin, "Referer": str(details.url)}
        code_page = session.post(details.url.path, data=client_form, headers=headers)
        if failed := _failed(code_page, "the client information"):
            return _Settled(failed)
        if not _VERIFY.search(code_page.url.path):
            return _Settled(Refused("rule", "client_information_rejected", _says(code_page.text)))
        code = self._verification_code(client.email)
        if code is None:
            return _Settled(Unknown(f"no verification code was sent to {client.email}"))
        form = {"csrfmiddlewaretoken": _token(code_page, session), "code": code}
        headers = {**self.origin, "Referer": str(code_page.url)}
        return PreparedAppointment(session, code_page.url.path, form, interval, headers)

    # --8<-- [end:prepare]

    def _verification_code(self, email: str) -> str | None:
        if self.database_url:
            with psycopg.connect(self.database_url) as conn:
                row = conn.execute(_CODE_SQL, (email,)).fetchone()
            return str(row[0]) if row else None
        assert self.mail_dir is not None
        return self._code_from_mail(self.mail_dir, email)

    @staticmethod
    def _code_from_mail(mail_dir: Path, email: str) -> str | None:
        """The newest verification message to `email` among the file backend's messages (a
        file holds each message a connection sent, each followed by a line of 79 dashes)."""
        for path in sorted(mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True):
            for raw in reversed(path.read_bytes().split(b"\n" + b"-" * 79 + b"\n")):
                message = message_from_bytes(raw.strip(), policy=policy.default)
                if email.lower() not in str(message.get("To", "")).lower():
                    continue
                if "verification" not in str(message.get("Subject", "")).lower():
                    continue
                body = message.get_body(preferencelist=("plain", "html"))  # type: ignore[attr-defined]
                text = body.get_content() if body is not None else ""
                found = _CODE_IN_MAIL.search(re.sub(r"<[^>]+>", " ", str(text)))
                if found:
                    return found.group(1)
        return None

    # --8<-- [start:final-state]
    def final_state(self, first: date, last: date) -> FinalState:
        """Every appointment on the local days first..last: from its tables when the target
        names the database, else from the staff calendar's JSON in an admin session."""
        if self.database_url:
            with psycopg.connect(self.database_url) as conn:
                rows = conn.execute(_APPOINTMENTS_SQL, (first, last)).fetchall()
            records = [
                self._record(aid, sid, self._local(day, st), self._local(day, et), staff, email)
                for aid, sid, day, st, et, staff, email in rows
            ]
            return FinalState(tuple(records), read_from="database")
        return FinalState(tuple(self._admin_records(first, last)), read_from="admin session")

    def _record(
        self, aid: object, sid: object, start: datetime, end: datetime, staff: object, email: str | None
    ) -> BookingRecord:
        return BookingRecord(
            booking_id=str(aid),
            service_id=str(sid),
            interval=Interval(start, end),
            status=STATUS,
            occupies=True,
            capacity=1,
            calendar=f"staff:{staff}",
            client_email=email,
        )

    # --8<-- [end:final-state]

    def _admin_records(self, first: date, last: date) -> list[BookingRecord]:
        if self.admin is None:
            raise ValueError("django-appointment's final state needs databaseUrl or the admin's credentials")
        with self._client() as session:
            page = session.get("/admin/login/")
            form = {"csrfmiddlewaretoken": _token(page, session), "username": self.admin[0],
                    "password": self.admin[1], "next": "/admin/"}  # fmt: skip
            session.post("/admin/login/", data=form, headers={**self.origin, "Referer": str(page.url)})
            answer = session.get("/appointment/app-admin/appointments/json/")
            answer.raise_for_status()
            if "json" not in answer.headers.get("content-type", ""):
                raise RuntimeError("the admin sign-in to django-appointment failed (no JSON calendar)")
            records = []
            for item in answer.json().get("appointments", ()):
                start = datetime.fromisoformat(item["start_time"]).replace(tzinfo=self.zone)
                end = datetime.fromisoformat(item["end_time"]).replace(tzinfo=self.zone)
                if first <= start.date() <= last:
                    records.append(
                        self._record(item["id"], item["service_id"], start, end, item["staff_id"],
                                     item.get("client_email"))
                    )  # fmt: skip
        return records

    def close(self) -> None:
        """Each booking and read opens its own session and closes it: nothing is held."""
