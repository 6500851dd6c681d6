"""`python -m reference_app stack` (what `nox -s serve` runs) prints where to click: the staff
calendar and the public booking page, and both answer."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest

from reference_app.local_stack import free_port
from reference_app.postgres_provider import ProvidedPostgres, scratch_database


@pytest.mark.slow
def test_stack_prints_the_calendar_and_booking_page_urls(pg_server: ProvidedPostgres) -> None:
    with scratch_database(pg_server.url, "booking_stack_cmd") as url:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "reference_app", "stack", "--port", str(port), "--workers", "1"],
            env={**os.environ, "DATABASE_URL": url},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            output = _read_until_ready(process)
            calendar = re.search(r"calendar:\s+(\S+)", output)
            booking = re.search(r"booking:\s+(\S+)", output)
            assert calendar and calendar[1] == f"http://127.0.0.1:{port}/schedule", output
            assert booking and booking[1].startswith(f"http://127.0.0.1:{port}/book/"), output
            page = httpx.get(booking[1], timeout=10)
            assert page.status_code == 200 and "text/html" in page.headers["content-type"]
            assert httpx.get(calendar[1], timeout=10, follow_redirects=True).status_code == 200
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(30)


def _read_until_ready(process: subprocess.Popen[str], timeout: float = 120) -> str:
    """The stack's output up to its "Press Ctrl-C" line (or its end)."""
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if not line or line.startswith("Press Ctrl-C"):
            break
    return "".join(lines)
