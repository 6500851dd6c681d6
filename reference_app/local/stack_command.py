"""What a `stack` command does once its stack is described: refuse a busy port before anything
starts, write the target file, print where everything is, and keep the stack up until Ctrl-C,
SIGTERM or one of its processes exits. The reference's `python -m reference_app stack` and a
local stack of another booking system (`python -m harness.adapters.django_appointment stack`)
share it."""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from reference_app.local.stack import PortInUse, ensure_port_free


class DescribedStack(Protocol):
    def target_json(self) -> dict[str, Any]: ...


Stack = TypeVar("Stack", bound=DescribedStack)


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both stop the stack cleanly (a shell may start us with SIGINT ignored)."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def serve_stack(
    start: Callable[[], AbstractContextManager[Stack]],
    *,
    host: str,
    port: int | None,
    info_file: str | None,
    describe: Callable[[Stack], Iterable[str]],
    running: Callable[[Stack], bool],
    what_exited: str,
) -> int:
    """Run the stack until stopped: 0 when stopped on request, 1 when one of its processes exited
    (`running` turned false), 2 when the port is taken (checked before anything starts: a busy
    port is the caller's to resolve, not a failed stack)."""
    if port:
        try:
            ensure_port_free(host, port)
        except PortInUse as exc:
            print(f"stack: {exc}", file=sys.stderr)
            return 2
    stop_on_signals()
    try:
        with start() as stack:
            if info_file:
                Path(info_file).write_text(json.dumps(stack.target_json(), indent=2), encoding="utf-8")
            for line in describe(stack):
                print(line)
            print("Press Ctrl-C to stop.", flush=True)
            while running(stack):
                time.sleep(0.5)
            print(f"{what_exited} exited; stopping the stack", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("\nstopping...")
    return 0
