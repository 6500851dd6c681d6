"""One exit-code contract for every command of the harness (`python -m load run`,
`python -m checklists run`, the E2E and property suites' pytest runs against a target):

    0  passed (READY): the target was judged and met every check
    1  the target failed a check: a real finding about the target
    2  no verdict: the harness could not judge (bad arguments, a bad or unreachable target,
       a run that tested nothing, an error in the harness itself)

A user's mistake (a wrong option, a bad target file, a dead URL) ends in one line naming the
cause and the fix, never a traceback; a bug in the harness shows its traceback after a
one-line summary, so it is never mistaken for the target's failure.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import TextIO

PASSED = 0
TARGET_FAILED = 1
NOT_JUDGED = 2

MEANINGS = {
    PASSED: "passed: the target met every check",
    TARGET_FAILED: "the target failed a check",
    NOT_JUDGED: "no verdict: the harness could not judge the target",
}


class CannotJudge(Exception):
    """The harness cannot judge the target; the message is one line naming the cause and how
    to fix it. Every command turns it into that line and exit code 2."""


def first_line(text: object) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


def run_command(prog: str, body: Callable[[], int], *, stream: TextIO | None = None) -> int:
    """Run a command's body under the contract: its own exit code when it returns, 2 with one
    line for CannotJudge and an interruption, 2 with a summary line then the traceback for
    anything else (a harness bug)."""
    out = stream or sys.stderr
    try:
        return int(body())
    except CannotJudge as exc:
        print(f"{prog}: {exc}", file=out, flush=True)
        return NOT_JUDGED
    except KeyboardInterrupt:
        print(f"{prog}: interrupted; no verdict", file=out, flush=True)
        return NOT_JUDGED
    except Exception as exc:  # a bug in the harness: say so first, then show where
        print(
            f"{prog}: harness error, no verdict: {type(exc).__name__}: {first_line(exc)} "
            "(a fault in the harness, not in the target; traceback follows)",
            file=out,
            flush=True,
        )
        traceback.print_exc(file=out)
        return NOT_JUDGED
