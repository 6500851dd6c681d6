"""How the reference adapter turns the booking API's answers into outcomes: the rule for each
status (the real answers of the service: tests/integration/test_adapter_race.py), and a server
that accepts the connection but never answers, which is unknown, never refused."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from harness.adapters.reference import ReferenceApi, judge_booking
from harness.model import Booked, Client, Interval, Refused, Unknown, book
from harness.target import Target

START = datetime(2030, 5, 6, 9, 0, tzinfo=UTC)
JOB = {
    "id": "j1",
    "startTime": "2030-05-06T09:00:00Z",
    "endTime": "2030-05-06T10:00:00Z",
    "status": "scheduled",
}


def error(code: str) -> dict[str, object]:
    return {"error": {"code": code, "message": "no"}}


def test_each_answer_has_its_outcome() -> None:
    assert judge_booking(httpx.Response(201, json={"job": JOB})) == Booked(
        "j1", Interval(START, START + timedelta(hours=1)), "scheduled"
    )
    taken = judge_booking(httpx.Response(409, json=error("slot_unavailable")))
    assert isinstance(taken, Refused) and (taken.reason, taken.code) == ("taken", "slot_unavailable")
    rule = judge_booking(httpx.Response(422, json=error("outside_working_hours")))
    assert isinstance(rule, Refused) and (rule.reason, rule.code) == ("rule", "outside_working_hours")
    bare = judge_booking(httpx.Response(422, text="<html>no</html>"))
    assert isinstance(bare, Refused) and bare.code == "HTTP 422"
    for status in (500, 502, 503, 504):
        assert judge_booking(httpx.Response(status)) == Unknown(f"HTTP {status}")


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections (the kernel's backlog) and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


def test_no_answer_in_time_is_unknown(silent_server: str) -> None:
    system = ReferenceApi(Target(base_url=silent_server), {"timeout": 0.3})
    try:
        outcome = book(
            system, "s1", Interval(START, START + timedelta(hours=1)), Client("A", "a@harness.example.com")
        )
    finally:
        system.close()
    assert outcome == Unknown("timeout")
