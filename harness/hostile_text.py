"""Hostile text for every text a client or staff member can store, and where each one shows.

FIELDS is the table: each stored text field, the request field(s) or operator step that store
it, the database column(s) it lands in, the pages that render it and the emails it reaches.
PAYLOADS are markup and script classics (OWASP XSS filter evasion: script tags, event handlers,
javascript: URLs, attribute breakers, closing tags of raw-text elements, template syntax,
Unicode look-alikes and bidi overrides, header-breaking line ends). Every element a payload
could create carries `data-hostile`, and every script it could run opens a dialog and sets
`window.__hostile`, so a check sees an injection whichever way it lands.

tests/unit/test_hostile_text_table.py fails when a request body or a database table gains a
text field without a row here; e2e/test_suite_07_edge_cases.py stores these values and checks
every page; tests/unit/test_hostile_email_render.py checks every email.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from reference_app.http.wire_types import Email, Name, Notes, Phone, Reason, Title

MARKER_ATTRIBUTE = "data-hostile"
WINDOW_FLAG = "__hostile"

# Pages (the names the browser check and the docs use).
BOOKING_PAGE = "public booking page"
CONFIRMATION = "booking confirmation"
CALENDAR_DAY = "calendar day view"
CALENDAR_WEEK = "calendar week view"
CALENDAR_MONTH = "calendar month view"
JOB_PANEL = "job panel"
JOB_FORM = "new-job form (service list)"
CONFLICTS = "calendar conflict list (a job created over another)"
CALENDAR_HEADER = "calendar header (signed-in admin)"
CALENDARS = (CALENDAR_DAY, CALENDAR_WEEK, CALENDAR_MONTH)

# Email parts.
SUBJECT, TEXT, HTML, ICS = "subject", "text", "html", ".ics"
CLIENT_KINDS = (
    "client_instant_confirmation",
    "client_pending_notification",
    "client_booking_confirmed",
    "client_booking_declined",
    "client_cancellation",
    "client_reschedule",
    "client_reschedule_pending",
)
CONTRACTOR_KINDS = ("contractor_new_booking", "contractor_cancellation")
ALL_KINDS = (*CLIENT_KINDS, *CONTRACTOR_KINDS)
ICS_KINDS = (
    "client_instant_confirmation",
    "client_booking_confirmed",
    "client_cancellation",
    "client_reschedule",
)


@dataclass(frozen=True)
class Payload:
    name: str
    kind: str  # the payload class (see PAYLOAD_CLASSES)
    text: str


PAYLOAD_CLASSES = {
    "script": "script elements, in any letter case",
    "event handler": "elements whose event handler runs without a click (img onerror, svg onload, "
    "details ontoggle)",
    "url": "javascript: URLs in links and frames",
    "attribute breaker": "quotes and backticks that leave an attribute and add one, or a tag",
    "closing tag": "closes the raw-text element a value may sit in (</script>, </textarea>, </title>)",
    "template": "template syntax of Jinja2 and JavaScript (rendered, it would show 49)",
    "entity": "markup written as HTML entities (shown as typed, never decoded into a tag)",
    "unicode": "full-width look-alike brackets, a right-to-left override, zero-width and homoglyph letters",
    "line break": "a CR LF and a header after it (breaks an email header or an .ics property)",
    "plain": "characters a field with a strict pattern accepts (digits and punctuation)",
    "email local part": "an address whose local part is markup (no space, one @: the address "
    "pattern accepts it)",
}

PAYLOADS: tuple[Payload, ...] = (
    Payload(
        "script-tag",
        "script",
        "<script data-hostile=script>window.__hostile='script';alert('script')</script>",
    ),
    Payload("script-mixed-case", "script", "<ScRiPt data-hostile=case>alert('case')</sCrIpT>"),
    Payload(
        "img-onerror",
        "event handler",
        "<img data-hostile=img src=x onerror=\"window.__hostile='img';alert('img')\">",
    ),
    Payload("svg-onload", "event handler", "<svg data-hostile=svg onload=alert('svg')>"),
    Payload(
        "details-ontoggle", "event handler", "<details data-hostile=details open ontoggle=alert('details')>"
    ),
    Payload("javascript-link", "url", "<a data-hostile=link href=\"javascript:alert('link')\">link</a>"),
    Payload(
        "iframe-javascript", "url", "<iframe data-hostile=iframe src=\"javascript:alert('iframe')\"></iframe>"
    ),
    Payload("double-quote-breaker", "attribute breaker", '"><b data-hostile=dq>dq</b>'),
    Payload(
        "attribute-injection", "attribute breaker", "\" data-hostile=attr autofocus onfocus=\"alert('attr')"
    ),
    Payload("single-quote-breaker", "attribute breaker", "'><i data-hostile=sq>sq</i>"),
    Payload("backtick-breaker", "attribute breaker", "`><u data-hostile=bt>bt</u>"),
    Payload(
        "close-script", "closing tag", "</script><script data-hostile=close>alert('close-script')</script>"
    ),
    Payload(
        "close-textarea", "closing tag", "</textarea><img data-hostile=textarea src=x onerror=alert('ta')>"
    ),
    Payload("close-title", "closing tag", "</title><img data-hostile=title src=x onerror=alert('title')>"),
    Payload("template-syntax", "template", "{{7*7}} ${7*7} {% raw %}#{7*7}"),
    Payload("entity-encoded", "entity", "&lt;b data-hostile=entity&gt;&#60;i&#62;"),
    # Written as escapes so the source shows what they are: full-width < > and a Cyrillic a (U+0430).
    Payload("fullwidth-brackets", "unicode", "\uff1cscript\uff1ealert('fw')\uff1c/script\uff1e"),
    Payload("bidi-override", "unicode", "\u202egnp.exe\u202c \u200b\u0430\u200ddmin"),
    Payload("crlf-header", "line break", "x\r\nBcc: hostile@example.com\r\nX-Hostile: 1"),
    Payload("phone-punctuation", "plain", "+1 (555) 010-0199 ."),
    # Whole addresses whose local part is markup the address pattern accepts (no space, one @).
    Payload("email-attribute-breaker", "email local part", '"><b/data-hostile="email">@example.com'),
    Payload(
        "email-img-onerror",
        "email local part",
        '<img/data-hostile="email-img"/src="x"/onerror="alert(\'email\')">@example.com',
    ),
    Payload("email-template", "email local part", "{{7*7}}'`${7*7}@example.com"),
)
PAYLOAD_BY_NAME = {payload.name: payload for payload in PAYLOADS}
SEPARATOR = " | "


@dataclass(frozen=True)
class StoredField:
    """One text a client or staff member stores, and everywhere it shows."""

    name: str
    label: str
    request_fields: tuple[str, ...]  # "Struct.field" of the request bodies that carry it
    columns: tuple[str, ...]  # "table.column" where it is stored
    stored_by: str
    pages: tuple[str, ...]
    emails: tuple[tuple[str, tuple[str, ...]], ...]  # (email kind, parts)
    # The field's type as the API checks it; None for a value only the operator sets.
    wire_type: Any = None

    def accepts(self, text: str) -> bool:
        if self.wire_type is None:
            return "\x00" not in text
        try:
            msgspec.convert(text, self.wire_type)
        except msgspec.ValidationError:
            return False
        return True

    @property
    def max_length(self) -> int:
        meta = getattr(self.wire_type, "__metadata__", ())
        return next((m.max_length for m in meta if getattr(m, "max_length", None)), 2000)

    def payloads(self) -> list[Payload]:
        """The payloads this field accepts (the others the API rightly refuses)."""
        return [p for p in PAYLOADS if self.accepts(p.text) and len(p.text) <= self.max_length]

    def refused(self) -> list[Payload]:
        return [p for p in PAYLOADS if p not in self.payloads()]

    def values(self, tag: str = "") -> list[HostileValue]:
        """Every accepted payload, packed into as few values as the field's length allows.
        `tag` (a run's id) marks each value so a check can find the rows it made: it starts a
        packed value, with the field's name, and ends an address's local part; a phone, whose
        pattern allows no tag, holds one payload per value."""
        if self.wire_type is Email:
            return [
                self._value([p], p.text.replace("@", f".{tag}@", 1) if tag else p.text)
                for p in self.payloads()
            ]
        if self.wire_type is Phone:
            return [self._value([p], p.text) for p in self.payloads()]
        values: list[HostileValue] = []
        current: list[Payload] = []

        # The field's name starts each packed value (after the run's tag): two fields never
        # hold the same text, so an email or page showing one field where another belongs is seen.
        head = f"{tag} {self.name}" if tag else self.name

        def text_of(parts: list[Payload]) -> str:
            return SEPARATOR.join([head, *(p.text for p in parts)])

        for payload in self.payloads():
            if current and len(text_of([*current, payload])) > self.max_length:
                values.append(self._value(current, text_of(current)))
                current = []
            current.append(payload)
        if current:
            values.append(self._value(current, text_of(current)))
        return values

    def _value(self, parts: list[Payload], text: str) -> HostileValue:
        assert self.accepts(text), f"{self.name} refuses its own value {text!r}"
        return HostileValue(self, text, tuple(p.name for p in parts))

    def email_kinds(self) -> set[str]:
        return {kind for kind, _ in self.emails}


@dataclass(frozen=True)
class HostileValue:
    field: StoredField
    text: str
    payloads: tuple[str, ...]


def _each(kinds: tuple[str, ...], *parts: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((kind, parts) for kind in kinds)


FIELDS: tuple[StoredField, ...] = (
    StoredField(
        "service.name",
        "Service name",
        ("CreateService.name", "UpdateService.name"),
        ("services.name",),
        "POST /admin/services, PATCH /admin/services/{id}",
        (BOOKING_PAGE, JOB_FORM, *CALENDARS, JOB_PANEL),
        (
            *_each(ALL_KINDS, SUBJECT, TEXT, HTML),
            *_each(ICS_KINDS, ICS),
        ),
        Name,
    ),
    StoredField(
        "service.description",
        "Service description",
        ("CreateService.description", "UpdateService.description"),
        ("services.description",),
        "POST /admin/services, PATCH /admin/services/{id}",
        (BOOKING_PAGE,),
        (),
        Notes,
    ),
    StoredField(
        "tenant.name",
        "Business name",
        (),
        ("tenants.name",),
        "the operator (`python -m reference_app seed --tenant-name`); no API changes it",
        (BOOKING_PAGE,),
        # The contractor's own emails name the business only in the HTML footer.
        (*_each(CLIENT_KINDS, TEXT, HTML), *_each(CONTRACTOR_KINDS, HTML), *_each(ICS_KINDS, ICS)),
    ),
    StoredField(
        "admin.name",
        "Admin's name",
        (),
        ("admin_users.name",),
        "the operator (`python -m reference_app seed --admin-name`); no API changes it",
        (CALENDAR_HEADER,),
        (),
    ),
    StoredField(
        "contact.name",
        "Contact name",
        ("ContactIn.name",),
        ("contacts.name",),
        "POST /services/{id}/book (the booking page's form), POST /jobs",
        (*CALENDARS, JOB_PANEL),
        (
            *_each(ALL_KINDS, TEXT, HTML),
            ("contractor_new_booking", (SUBJECT,)),
            ("contractor_cancellation", (SUBJECT,)),
        ),
        Name,
    ),
    StoredField(
        "contact.email",
        "Contact email (its local part)",
        ("ContactIn.email",),
        ("contacts.email",),
        "POST /services/{id}/book (the booking page's form), POST /jobs",
        (JOB_PANEL,),
        # The .ics names the client as its ATTENDEE (mailto:).
        (("contractor_new_booking", (TEXT, HTML)), *_each(ICS_KINDS, ICS)),
        Email,
    ),
    StoredField(
        "contact.phone",
        "Contact phone",
        ("ContactIn.phone",),
        ("contacts.phone",),
        "POST /services/{id}/book (the booking page's form), POST /jobs",
        (JOB_PANEL,),
        (("contractor_new_booking", (TEXT, HTML)),),
        Phone,
    ),
    StoredField(
        "job.title",
        "Job title",
        ("CreateJob.title", "UpdateJob.title"),
        ("jobs.title",),
        "POST /jobs, PATCH /jobs/{id}, the calendar's new-job form (a booking's title is 'service: contact')",
        (*CALENDARS, JOB_PANEL, CONFLICTS),
        # A job without a service is named by its title in its emails.
        (*_each(ALL_KINDS, SUBJECT, TEXT, HTML), *_each(ICS_KINDS, ICS)),
        Title,
    ),
    StoredField(
        "job.notes",
        "Notes",
        ("BookRequest.notes", "CreateJob.notes", "UpdateJob.notes"),
        ("jobs.notes",),
        "POST /services/{id}/book (the booking page's form), POST /jobs, PATCH /jobs/{id}",
        (JOB_PANEL,),
        (("contractor_new_booking", (TEXT, HTML)),),
        Notes,
    ),
    StoredField(
        "job.decline_reason",
        "Decline reason",
        ("ReasonIn.reason",),
        ("jobs.decline_reason", "job_status_history.reason"),
        "POST /jobs/{id}/decline, the job panel's decline form",
        (JOB_PANEL,),
        (("client_booking_declined", (TEXT, HTML)),),
        Reason,
    ),
    StoredField(
        "job.cancel_reason",
        "Cancel reason",
        ("ReasonIn.reason",),
        ("jobs.cancel_reason", "job_status_history.reason"),
        "POST /jobs/{id}/cancel, the job panel's cancel form",
        (JOB_PANEL,),
        (("client_cancellation", (TEXT, HTML)), ("contractor_cancellation", (TEXT, HTML))),
        Reason,
    ),
)
FIELD_BY_NAME = {f.name: f for f in FIELDS}

# Text a request carries that is not stored, or a column no client or staff member writes, and
# why no row above is needed for it (the table test names these as the only exceptions).
NOT_STORED_REQUEST_FIELDS = {
    "LoginRequest.email": "compared with the admin's address, never stored; the login page "
    "echoes what was typed, escaped, only back to who typed it",
    "LoginRequest.password": "hashed, never shown",
    "WorkingInterval.start": "a wall time the pattern HH:MM fixes; shown only as a computed time",
    "WorkingInterval.end": "a wall time the pattern HH:MM fixes; shown only as a computed time",
}
OTHER_TEXT_COLUMNS = {
    "tenants.time_zone": "an IANA zone name, checked against the zone database (shown by key)",
    "tenants.notification_email": "the admin's address, set by the operator; the recipient of "
    "the business's emails, not shown on a page",
    "admin_users.email": "set by the operator, typed at sign-in; shown in the calendar header",
    "admin_users.password_hash": "a hash",
    "jobs.status": "one of five statuses (a CHECK constraint)",
    "jobs.source": "'booking' or 'admin' (a CHECK constraint)",
    "job_status_history.from_status": "a status",
    "job_status_history.to_status": "a status",
    "job_status_history.actor": "written by the service ('client' or the admin's id)",
    "idempotency_keys.key": "a client's Idempotency-Key header, only compared, never shown",
    "idempotency_keys.request_hash": "a hash",
    "email_outbox.kind": "an email kind the service names",
    "email_outbox.recipient": "a contact's or the business's address (see contact.email)",
    "email_outbox.state": "a state (a CHECK constraint)",
    "email_outbox.last_error": "the transport's error, shown in the admin JSON API only",
    "email_outbox.ses_message_id": "SES's id",
    "email_suppressions.email": "an address SES reported; admin JSON API only",
    "email_suppressions.reason": "'bounce' or 'complaint' (a CHECK constraint)",
    "email_suppressions.detail": "SES's diagnostic text; admin JSON API only",
    "email_suppressions.feedback_id": "SES's id",
    "abuse_counters.key": "a limit's key the service builds",
}
