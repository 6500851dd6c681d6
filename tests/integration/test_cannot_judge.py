"""Every ordinary mistake stops `python -m load run` and `python -m checklists run` at once, as a
user meets it: real commands in child processes, against a real reference stack, a dead port,
a plain `python -m http.server` and bad target files. Each ends with exit code 2 and the one
line naming the cause; none ends in PASS or READY, and none starts a stack to find out. (Bad
options: test_refused_options.py; the suites' own sessions: test_cannot_judge_suites.py.)"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from reference_app.local.postgres_provider import ProvidedPostgres, scratch_database
from reference_app.local.stack import free_port
from tests.integration.cli_runs import (
    CLIS,
    RELAXED_LATENCY,
    REPO_ROOT,
    STACK_STARTED,
    assert_cannot_judge,
    run_cli,
    write_target,
)

pytestmark = pytest.mark.processes


@pytest.fixture(scope="module")
def stack(pg_server: ProvidedPostgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """`python -m reference_app stack` on a scratch database, with the reference service's
    own abuse limits (5 failed sign-ins lock an email): its target file, as read back."""
    folder = tmp_path_factory.mktemp("stack")
    info = folder / "target.json"
    with scratch_database(pg_server.url, "booking_cannot_judge") as url:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "reference_app",
                "stack",
                "--port",
                str(free_port()),
                "--info-file",
                str(info),
            ],
            cwd=REPO_ROOT,
            env={**os.environ, "DATABASE_URL": url, "STACK_LOG_DIR": str(folder / "logs")},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            assert process.stdout is not None
            deadline = time.monotonic() + 180
            lines = []
            while time.monotonic() < deadline:
                line = process.stdout.readline()
                lines.append(line)
                if not line or line.startswith("Press Ctrl-C"):
                    break
            assert info.exists(), "".join(lines)
            yield json.loads(info.read_text())
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(60)


@pytest.fixture(scope="module")
def plain_http_server() -> Iterator[str]:
    """`python -m http.server`: it answers, but it is no booking API."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


# --- a bad target: every command, one line, exit 2 -------------------------------------------


@pytest.mark.parametrize("cli", sorted(CLIS))
def test_a_dead_port_is_named(cli: str, tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert_cannot_judge(run_cli(cli, "--base-url", url), f"connection refused at {url}")


@pytest.mark.parametrize("cli", sorted(CLIS))
def test_a_server_that_is_not_a_booking_api_is_named(cli: str, plain_http_server: str) -> None:
    done = run_cli(cli, "--base-url", plain_http_server)
    assert_cannot_judge(
        done, f"{plain_http_server} answered but is not a booking API (GET /health gave text/html 404)"
    )


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (None, "does not exist"),
        ("{not json", "is not JSON"),
        (42, "must be a JSON object, got a number (42)"),
        ({"baseUrl": "http://127.0.0.1:9", "admin": "x"}, '"admin" must be a JSON object, got a string'),
        ({"admin": {"email": "a@example.com"}}, 'needs "baseUrl"'),
        ({"baseUrl": "http://127.0.0.1:9", "services": ["a"]}, '"services" must be a JSON object'),
    ],
    ids=["missing", "not-json", "42", "admin-x", "no-base-url", "services-list"],
)
@pytest.mark.parametrize("cli", sorted(CLIS))
def test_a_bad_target_file_is_one_line(cli: str, tmp_path: Path, content: Any, line: str) -> None:
    path = tmp_path / "target.json"
    if content is not None:
        write_target(path, content if isinstance(content, str) else json.dumps(content))
    output = assert_cannot_judge(run_cli(cli, "--target-file", str(path)), line)
    assert str(path) in output and STACK_STARTED not in output


@pytest.mark.parametrize("cli", sorted(CLIS))
def test_target_file_and_base_url_together_are_refused(cli: str, tmp_path: Path) -> None:
    path = write_target(tmp_path / "t.json", {"baseUrl": "http://127.0.0.1:9"})
    done = run_cli(cli, "--target-file", str(path), "--base-url", "http://127.0.0.1:9")
    assert_cannot_judge(done, "argument --base-url: not allowed with argument --target-file")


@pytest.mark.slow
@pytest.mark.parametrize("cli", sorted(CLIS))
def test_unknown_service_ids_are_named(cli: str, stack: dict[str, Any], tmp_path: Path) -> None:
    wrong = str(uuid.uuid4())
    target = {**stack, "services": {**stack["services"], "standard": wrong}}
    done = run_cli(cli, "--target-file", str(write_target(tmp_path / "t.json", target)))
    assert_cannot_judge(done, f"service 'standard' ({wrong}) does not exist at {stack['baseUrl']}")


@pytest.mark.slow
@pytest.mark.parametrize("cli", sorted(CLIS))
def test_a_service_named_for_the_wrong_role_is_named(cli: str, stack: dict[str, Any], tmp_path: Path) -> None:
    target = {**stack, "services": {**stack["services"], "workshop": stack["services"]["standard"]}}
    done = run_cli(cli, "--target-file", str(write_target(tmp_path / "t.json", target)))
    assert_cannot_judge(done, "service 'workshop'")
    assert "does not fit its role (workshop: capacity above 1" in done.stdout + done.stderr


def failed_sign_ins(stack: dict[str, Any], email: str) -> int:
    with psycopg.connect(stack["databaseUrl"]) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(hits), 0) FROM abuse_counters WHERE key = %s",
            (f"signin:email:{email.lower()}",),
        ).fetchone()
    return int(row[0]) if row else 0


@pytest.mark.slow
def test_a_wrong_password_fails_once_per_run_and_locks_no_one_out(
    stack: dict[str, Any], tmp_path: Path
) -> None:
    email = stack["admin"]["email"]
    target = {**stack, "admin": {"email": email, "password": "not-the-password"}}
    path = str(write_target(tmp_path / "t.json", target))
    before = failed_sign_ins(stack, email)
    # Twelve users: the old harness signed each staff user in, failing five times over.
    load = run_cli("load", "--target-file", path, "--users", "12")
    checklist = run_cli("checklists", "--target-file", path, "--report-dir", str(tmp_path / "r"))
    for done in (load, checklist):
        assert_cannot_judge(
            done, f"admin sign-in refused for {email} at {stack['baseUrl']} (401 invalid_credentials)"
        )
    assert failed_sign_ins(stack, email) - before == 2, "each run must try the password exactly once"
    real = httpx.post(
        f"{stack['baseUrl']}/auth/login",
        json={"email": email, "password": stack["admin"]["password"]},
        timeout=30,
    )
    assert real.status_code == 200, real.text


# --- runs that test nothing, and one that tests something ---------------------------------------


def service_with_no_free_slot(stack: dict[str, Any]) -> str:
    """A standard service (capacity 1, instant) that can never be booked: no advance window."""
    base = stack["baseUrl"]
    admin = stack["admin"]
    token = httpx.post(f"{base}/auth/login", json=admin, timeout=30).json()["token"]
    created = httpx.post(
        f"{base}/admin/services",
        json={
            "name": "Closed for booking",
            "durationMinutes": 60,
            "bookingSettings": {"advanceBookingDays": 0, "sameDayBooking": False},
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    return str(created.json()["service"]["id"])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("scenario", "reason"),
    [
        ("race", "the run could not start: no free slot to race for"),
        ("mix", "no booking attempt completed: not judged"),
    ],
)
def test_a_run_with_nothing_to_book_is_no_verdict(
    stack: dict[str, Any], tmp_path: Path, scenario: str, reason: str
) -> None:
    target = {**stack, "services": {"standard": service_with_no_free_slot(stack)}}
    path = str(write_target(tmp_path / "t.json", target))
    done = run_cli(
        "load",
        "--target-file",
        path,
        "--scenario",
        scenario,
        "--duration",
        "4s",
        "--results-dir",
        str(tmp_path / "r"),
        # What is judged here is that nothing was booked: a sign-in slowed past the latency gate
        # on a busy machine would make it a FAIL instead.
        *RELAXED_LATENCY,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output[-3000:]
    assert "RESULT: NO VERDICT" in output and reason in output, output[-3000:]
    assert "RESULT: PASS" not in output
    assert "Traceback" not in output, output[-3000:]  # the cause in one line, not a page of stack
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["result"] == "NO VERDICT" and summary["passed"] is False


@pytest.mark.slow
def test_a_real_run_shows_progress_and_its_verdict_once(stack: dict[str, Any], tmp_path: Path) -> None:
    path = str(write_target(tmp_path / "t.json", stack))
    done = run_cli(
        "load",
        "--target-file",
        path,
        "--duration",
        "7s",
        "--results-dir",
        str(tmp_path / "r"),
        *RELAXED_LATENCY,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert output.count("RESULT: PASS") == 1 and output.count("AUDIT VERDICT: PASS over ") == 1, output[
        -4000:
    ]
    assert "preflight ok: " in output and f"admin {stack['admin']['email']} signed in (once)" in output
    progress = re.findall(r"load: +\d+/7 s  users \d+  requests \d+  failures \d+  p95 now", output)
    assert len(progress) >= 2, output[-4000:]
