"""Is an email that carries stored hostile text inert? Checked by parsing, part by part.

- Headers: no line break in the subject, no header a value could have added (Bcc, X-Hostile).
- HTML: parsed with html.parser; no element or attribute a payload could create (the
  `data-hostile` marker, an event handler, a script, a javascript: URL), and each stored value
  in the text exactly as stored (escaped markup reads back as the characters typed).
- Text: each stored value as stored (plain text is not HTML: an escaped `&lt;` would be wrong).
- .ics: parsed with icalendar; only the properties the service writes, the summary exactly
  "service - business" (escaping and folding kept a value inside its property).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser

from icalendar import Calendar

from harness.hostile_text import ICS, MARKER_ATTRIBUTE, SUBJECT

INJECTED_HEADERS = ("bcc", "x-hostile")
ACTIVE_TAGS = frozenset({"script", "svg", "iframe", "details", "img", "a", "b", "i", "u", "object", "embed"})
CALENDAR_PROPERTIES = frozenset({"PRODID", "VERSION", "METHOD"})
EVENT_PROPERTIES = frozenset(
    {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE", "STATUS", "ORGANIZER", "ATTENDEE"}
)


def plain(text: str) -> str:
    """Runs of white space as one space: line ends and indentation are layout, not content."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Expected:
    """A stored value the email must show, named for the messages."""

    field: str
    text: str
    parts: tuple[str, ...]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _own_link(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """The templates' one link: the dashboard, an http(s) URL the service builds."""
    values = dict(attrs)
    return (
        tag == "a"
        and values.get("data-link") == "dashboard"
        and (values.get("href") or "").startswith("http")
    )


def html_problems(html: str) -> tuple[list[str], str]:
    """What in the HTML a payload made, and the HTML's text."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    problems = []
    for tag, attrs in parser.tags:
        names = {name for name, _ in attrs}
        shown = f"<{tag} {' '.join(f'{n}={v!r}' for n, v in attrs)}>"
        if MARKER_ATTRIBUTE in names or any(name.startswith("on") for name in names):
            problems.append(f"injected element {shown}")
        elif tag in ACTIVE_TAGS and not _own_link(tag, attrs):
            problems.append(f"unexpected element {shown}")
        elif any((value or "").strip().lower().startswith("javascript:") for _, value in attrs):
            problems.append(f"javascript: URL in {shown}")
    return problems, "".join(parser.text)


def ics_problems(ics: bytes, summary: str) -> list[str]:
    problems = []
    calendar = Calendar.from_ical(ics)
    extra = set(calendar.keys()) - CALENDAR_PROPERTIES
    if extra:
        problems.append(f".ics calendar has injected properties {sorted(extra)}")
    events = list(calendar.walk("VEVENT"))
    if len(events) != 1:
        problems.append(f".ics holds {len(events)} events, not 1")
    for event in events:
        extra = set(event.keys()) - EVENT_PROPERTIES
        if extra:
            problems.append(f".ics event has injected properties {sorted(extra)}")
        # iCalendar text holds a line break as "\n" (RFC 5545 3.3.11): a CR LF reads back as LF.
        wanted = summary.replace("\r\n", "\n").replace("\r", "\n")
        got = str(event.get("SUMMARY"))
        if got != wanted:
            problems.append(f".ics SUMMARY is {got[:200]!r}, not {wanted[:200]!r}")
    return problems


def email_problems(
    message: EmailMessage,
    expected: Iterable[Expected],
    *,
    ics_summary: str | None = None,
) -> list[str]:
    """Everything that shows a stored value was not kept inert in this message, each named
    with the field and the part ("contact.name in html: injected element <img ...>")."""
    kind = str(message.get("X-Email-Kind", "email"))
    problems: list[str] = []
    headers: Mapping[str, str] = {k.lower(): str(v) for k, v in message.items()}
    for name in INJECTED_HEADERS:
        if name in headers:
            problems.append(f"{kind}: a stored value added the header {name}: {headers[name]!r}")
    subject = str(message.get("Subject", ""))
    if "\n" in subject or "\r" in subject:
        problems.append(f"{kind}: line break in the subject {subject!r}")
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    text = plain(str(text_part.get_content())) if text_part is not None else ""  # type: ignore[attr-defined]
    html = str(html_part.get_content()) if html_part is not None else ""  # type: ignore[attr-defined]
    found, html_text = html_problems(html)
    problems.extend(f"{kind} html: {problem}" for problem in found)
    html_text = plain(html_text)
    for value in expected:
        wanted = plain(value.text)
        if SUBJECT in value.parts and wanted not in plain(subject):
            problems.append(f"{kind}: {value.field} not shown as stored in the subject {subject!r}")
        if "text" in value.parts and wanted not in text:
            problems.append(f"{kind}: {value.field} not shown as stored in the text part")
        if "html" in value.parts and wanted not in html_text:
            problems.append(f"{kind}: {value.field} not shown as stored in the html part")
    attachments = [part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"]
    if ics_summary is not None:
        if not attachments:
            problems.append(f"{kind}: no .ics attached")
        for part in attachments:
            raw = part.get_payload(decode=True)
            assert isinstance(raw, bytes)
            problems.extend(f"{kind} {ICS}: {p}" for p in ics_problems(raw, ics_summary))
    return problems
