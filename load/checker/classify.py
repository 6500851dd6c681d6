"""Judge one HTTP answer: its outcome for the history, and whether Locust counts it a failure.

A refusal the API promises (409 slot taken, 422 booking rule) is an expected outcome, not a
failure; a 5xx, a timeout, a dropped connection or a malformed answer is a failure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from harness.contract import BOOKING_RULE_CODES
from load.checker.operations import Outcome

EXPECTED_BOOKING_REFUSALS = {409: frozenset({"slot_unavailable"}), 422: frozenset(BOOKING_RULE_CODES)}
EXPECTED_ADMIN_REFUSALS = {409: frozenset({"invalid_transition", "job_conflict"})}


@dataclass(frozen=True)
class Judgement:
    outcome: Outcome
    code: str | None = None
    failure: str | None = None  # why Locust should count it failed; None when it is expected
    body: Any = None


def _decode(text: str | None) -> Any:
    try:
        return json.loads(text or "")
    except ValueError:
        return None


def _error_code(body: Any) -> str | None:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        code = body["error"].get("code")
        return code if isinstance(code, str) else None
    return None


def judge_answer(
    status: int,
    text: str | None,
    *,
    success_status: int,
    expected_refusals: dict[int, frozenset[str]],
    error: BaseException | None = None,
) -> Judgement:
    if status == 0:
        name = type(error).__name__ if error is not None else "no response"
        return Judgement("indeterminate", name, f"no response: {name}")
    body = _decode(text)
    if status >= 500:
        return Judgement("indeterminate", _error_code(body) or f"http_{status}", f"server error {status}")
    if 200 <= status < 300:
        if status != success_status or not isinstance(body, dict) or not isinstance(body.get("job"), dict):
            return Judgement(
                "indeterminate", "malformed", f"unexpected answer {status}: {(text or '')[:120]!r}"
            )
        job = body["job"]
        if not all(isinstance(job.get(k), str) for k in ("id", "startTime", "endTime")):
            return Judgement("indeterminate", "malformed", f"job without id or times: {(text or '')[:120]!r}")
        return Judgement("ok", body=body)
    code = _error_code(body)
    if code is not None and code in expected_refusals.get(status, frozenset()):
        return Judgement("rejected", code)
    # Another 4xx: the service refused it, so nothing was written; still the harness's mistake.
    return Judgement("rejected", code or f"http_{status}", f"unexpected refusal {status} {code}")


def judge_booking(status: int, text: str | None, error: BaseException | None = None) -> Judgement:
    return judge_answer(
        status, text, success_status=201, expected_refusals=EXPECTED_BOOKING_REFUSALS, error=error
    )


def judge_admin_create(status: int, text: str | None, error: BaseException | None = None) -> Judgement:
    return judge_answer(
        status, text, success_status=201, expected_refusals=EXPECTED_ADMIN_REFUSALS, error=error
    )


def judge_admin_move(status: int, text: str | None, error: BaseException | None = None) -> Judgement:
    return judge_answer(
        status, text, success_status=200, expected_refusals=EXPECTED_ADMIN_REFUSALS, error=error
    )
