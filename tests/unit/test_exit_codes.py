"""The exit-code contract every command runs under: its own code when it returns, one line and
2 when it cannot judge, and for a harness bug a summary line first, then the traceback, and 2."""

from __future__ import annotations

import io

from harness.exit_codes import NOT_JUDGED, PASSED, TARGET_FAILED, CannotJudge, run_command
from harness.preflight import PreflightError
from harness.target import TargetError


def run(body: object) -> tuple[int, str]:
    out = io.StringIO()
    return run_command("tool", body, stream=out), out.getvalue()  # type: ignore[arg-type]


def test_a_judged_run_keeps_its_code() -> None:
    assert run(lambda: PASSED) == (PASSED, "")
    assert run(lambda: TARGET_FAILED) == (TARGET_FAILED, "")


def test_cannot_judge_is_one_line_and_2() -> None:
    for error in (
        CannotJudge("no free slot"),
        TargetError("target file x does not exist"),
        PreflightError("refused"),
    ):

        def body(error: Exception = error) -> int:
            raise error

        code, text = run(body)
        assert code == NOT_JUDGED and text == f"tool: {error}\n"


def test_a_harness_bug_says_so_first_then_shows_its_traceback() -> None:
    def body() -> int:
        raise KeyError("plan")

    code, text = run(body)
    first, *rest = text.splitlines()
    assert code == NOT_JUDGED
    assert (
        first.startswith("tool: harness error, no verdict: KeyError: 'plan'") and "not in the target" in first
    )
    assert rest[0].startswith("Traceback") and "KeyError: 'plan'" in rest[-1]


def test_an_interruption_is_no_verdict() -> None:
    def body() -> int:
        raise KeyboardInterrupt

    assert run(body) == (NOT_JUDGED, "tool: interrupted; no verdict\n")
