"""Promised refusals are outcomes, not failures; 5xx, no answer and garbage are failures."""

from __future__ import annotations

import json

import pytest

from load.checker.classify import judge_admin_move, judge_booking

JOB = {"job": {"id": "j1", "startTime": "2030-01-14T15:00:00Z", "endTime": "2030-01-14T16:00:00Z"}}


def error(code: str) -> str:
    return json.dumps({"error": {"code": code, "message": "..."}})


def test_created_is_ok() -> None:
    judged = judge_booking(201, json.dumps(JOB))
    assert (judged.outcome, judged.failure) == ("ok", None)


@pytest.mark.parametrize(
    ("status", "code"), [(409, "slot_unavailable"), (422, "past_slot"), (422, "outside_working_hours")]
)
def test_promised_refusals_are_rejected_without_failure(status: int, code: str) -> None:
    judged = judge_booking(status, error(code))
    assert (judged.outcome, judged.code, judged.failure) == ("rejected", code, None)


@pytest.mark.parametrize(
    ("status", "code"), [(400, "malformed_json"), (404, "not_found"), (422, "idempotency_key_reused")]
)
def test_other_refusals_are_rejected_but_count_as_failures(status: int, code: str) -> None:
    judged = judge_booking(status, error(code))
    assert judged.outcome == "rejected" and judged.failure


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (500, error("internal")),
        (503, "gateway"),
        (0, None),
        (201, "not json"),
        (201, "{}"),
        (200, json.dumps(JOB)),
    ],
)
def test_server_errors_lost_answers_and_garbage_are_indeterminate_failures(
    status: int, text: str | None
) -> None:
    judged = judge_booking(status, text, TimeoutError() if status == 0 else None)
    assert judged.outcome == "indeterminate" and judged.failure


def test_admin_moves() -> None:
    assert judge_admin_move(200, json.dumps(JOB)).outcome == "ok"
    assert judge_admin_move(409, error("invalid_transition")).failure is None
    assert judge_admin_move(0, None, ConnectionResetError()).code == "ConnectionResetError"
