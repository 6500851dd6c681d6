"""`python -m reference_app stack` (what `nox -s serve` runs) prints where to click: the staff
calendar and the public booking page, and both answer. A second stack on a busy port refuses
before it starts anything, and never touches the running stack's logs."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from reference_app.local.postgres_provider import ProvidedPostgres, scratch_database
from reference_app.local.stack import free_port

pytestmark = pytest.mark.processes

BUSY_LINE = "port {port} is in use: another stack or program is listening there; pass --port N or stop it"


def _run_stack(port: int, env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reference_app", "stack", "--port", str(port), "--workers", "1", *extra],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _assert_refused_busy_port(process: subprocess.Popen[str], port: int, info_file: Path) -> None:
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 2, (stdout, stderr)
    assert stderr.strip().splitlines() == [f"stack: {BUSY_LINE.format(port=port)}"], stderr
    assert "Traceback" not in stderr and "is up" not in stdout, (stdout, stderr)
    assert not info_file.exists()


def test_a_port_another_program_listens_on_is_refused_before_anything_starts(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        log_root = tmp_path / "logs"
        info_file = tmp_path / "stack.json"
        # No database is named: a stack that started anything would fail on it, not on the port.
        env = {"STACK_LOG_DIR": str(log_root), "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none"}
        _assert_refused_busy_port(_run_stack(port, env, "--info-file", str(info_file)), port, info_file)
        assert not log_root.exists(), "the refused stack wrote a log"


@pytest.mark.slow
def test_stack_prints_the_calendar_and_booking_page_urls(pg_server: ProvidedPostgres, tmp_path: Path) -> None:
    log_root = tmp_path / "logs"
    with scratch_database(pg_server.url, "booking_stack_cmd") as url:
        port = free_port()
        process = _run_stack(port, {"DATABASE_URL": url, "STACK_LOG_DIR": str(log_root)})
        try:
            output = _read_until_ready(process)
            calendar = re.search(r"calendar:\s+(\S+)", output)
            booking = re.search(r"booking:\s+(\S+)", output)
            assert calendar and calendar[1] == f"http://127.0.0.1:{port}/schedule", output
            assert booking and booking[1].startswith(f"http://127.0.0.1:{port}/book/"), output
            page = httpx.get(booking[1], timeout=10)
            assert page.status_code == 200 and "text/html" in page.headers["content-type"]
            assert httpx.get(calendar[1], timeout=10, follow_redirects=True).status_code == 200

            logs = re.search(r"logs:\s+(\S+)", output)
            assert logs, output
            stack_logs = Path(logs[1])
            assert stack_logs.parent == log_root and str(port) in stack_logs.name, stack_logs
            server_log = stack_logs / f"server-{port}.log"
            before = server_log.read_bytes()
            assert before, "the running stack's server log is empty"

            # A second stack on the same port: refused at once, and the first stack's logs,
            # its service and the log folder are as they were.
            info_file = tmp_path / "second.json"
            second = _run_stack(
                port, {"DATABASE_URL": url, "STACK_LOG_DIR": str(log_root)}, "--info-file", str(info_file)
            )
            _assert_refused_busy_port(second, port, info_file)
            assert server_log.read_bytes().startswith(before)
            assert list(log_root.iterdir()) == [stack_logs]
            assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
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
