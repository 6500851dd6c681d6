"""How the django-appointment adapter judges answers and reads codes, without the app: the last
request's answers (a canned transport stands in for the server; tests/adapters drives the
real app), the slot list's two formats, and the file mail backend's messages."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from harness.adapters.django_appointment.adapter import DjangoAppointment, PreparedAppointment
from harness.model import Booked, Client, Interval, MissingCapability, Refused, Unknown

ZONE = ZoneInfo("America/New_York")
START = datetime(2030, 1, 9, 10, 0, tzinfo=ZONE)
INTERVAL = Interval(START, START + timedelta(hours=1))


def _prepared(handler: Callable[[httpx.Request], httpx.Response]) -> PreparedAppointment:
    client = httpx.Client(base_url="http://127.0.0.1:9", transport=httpx.MockTransport(handler))
    return PreparedAppointment(client, "/appointment/verification-code/7/abc/", {"code": "K3ZQ9A"}, INTERVAL)


def test_the_redirect_to_the_thank_you_page_is_booked_with_its_id() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        if request.method == "POST":
            return httpx.Response(302, headers={"Location": "/appointment/thank-you/42/"})
        return httpx.Response(200, text="thank you")

    assert _prepared(answer).commit() == Booked("42", INTERVAL, "booked")
    # Only the code is posted; the thank-you page is then visited as a browser would.
    assert seen == ["POST /appointment/verification-code/7/abc/", "GET /appointment/thank-you/42/"]


def test_the_code_page_again_is_refused_with_what_it_says() -> None:
    page = '<div class="vcode-alert vcode-alert-error">Invalid verification code.</div>'
    outcome = _prepared(lambda request: httpx.Response(200, text=page)).commit()
    assert outcome == Refused("rule", "verification_refused", "Invalid verification code.")


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (lambda request: httpx.Response(503), "HTTP 503 at the verification code"),
        (
            lambda request: httpx.Response(302, headers={"Location": "/elsewhere/"}),
            "redirected to '/elsewhere/'",
        ),
    ],
)
def test_a_server_error_or_a_strange_redirect_is_unknown(
    answer: Callable[[httpx.Request], httpx.Response], why: str
) -> None:
    assert _prepared(answer).commit() == Unknown(why)


def test_a_timeout_or_a_lost_connection_is_unknown() -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    def reset(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("reset", request=request)

    assert _prepared(timeout).commit() == Unknown("timeout")
    assert _prepared(reset).commit() == Unknown("connection lost: RemoteProtocolError")


def _system(tmp_path: Path) -> DjangoAppointment:
    return DjangoAppointment(
        "http://127.0.0.1:9",
        staff_member_id="1",
        time_zone="America/New_York",
        services={"standard": "1"},
        service_minutes={"1": 60},
        mail_dir=str(tmp_path),
    )


def test_both_slot_formats_give_the_local_start(tmp_path: Path) -> None:
    system = _system(tmp_path)
    day = date(2030, 1, 9)
    assert system._slot_start(day, ["2030-01-09T09:30:00", "9:30 a.m."]) == START - timedelta(minutes=30)
    assert system._slot_start(day, "09:30 AM") == START - timedelta(minutes=30)


def test_the_newest_verification_code_to_the_client_is_read_from_the_mail_folder(tmp_path: Path) -> None:
    def message(to: str, subject: str, body: str) -> bytes:
        mail = EmailMessage()
        mail["To"], mail["Subject"], mail["From"] = to, subject, "bookings@example.com"
        mail.set_content(body)
        return mail.as_bytes()

    separator = b"\n" + b"-" * 79 + b"\n"
    (tmp_path / "1-old.log").write_bytes(
        message("ann@example.com", "Email Verification", "Your verification code is OLDOLD.") + separator
    )
    # One file may hold several messages of one connection, each followed by the dashes.
    (tmp_path / "2-new.log").write_bytes(
        message("ann@example.com", "Email Verification", "Your verification code is ABCDEF.")
        + separator
        + message("bo@example.com", "Email Verification", "Your verification code is Q1W2E3.")
        + separator
        + message("ann@example.com", "Thank you for booking us.", "Your code is NOTONE.")
        + separator
    )
    old, new = tmp_path / "1-old.log", tmp_path / "2-new.log"
    new.touch()
    old_time = new.stat().st_mtime - 60
    os.utime(old, (old_time, old_time))
    assert DjangoAppointment._code_from_mail(tmp_path, "Ann@example.com") == "ABCDEF"
    assert DjangoAppointment._code_from_mail(tmp_path, "bo@example.com") == "Q1W2E3"
    assert DjangoAppointment._code_from_mail(tmp_path, "cy@example.com") is None


def test_an_idempotency_key_is_a_capability_it_does_not_have(tmp_path: Path) -> None:
    with pytest.raises(MissingCapability, match="idempotency-keys"):
        _system(tmp_path).prepare_booking(
            "1", INTERVAL, Client("Ann", "ann@example.com"), idempotency_key="k1"
        )
