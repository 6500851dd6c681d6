"""A stack's server is up only when it serves its own port: two stacks may draw the same free
port, and the one that binds it second must not take the first one's health answer for its own
(it would then run its checks against the other stack's service)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from reference_app.local.serving import serves_on
from reference_app.local.ses import start_local_ses
from reference_app.local.stack import free_port, spawn_server, stop_all, wait_started

pytestmark = [pytest.mark.slow, pytest.mark.processes]


class _Healthy(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def port_taken_by_another_healthy_server() -> Iterator[int]:
    port = free_port()
    other = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Healthy)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        other.shutdown()
        other.server_close()


def test_a_server_that_cannot_bind_is_not_taken_for_the_one_answering(
    database_url: str, port_taken_by_another_healthy_server: int, tmp_path: Path
) -> None:
    server = spawn_server(database_url, port=port_taken_by_another_healthy_server, log_dir=tmp_path)
    try:
        with pytest.raises(RuntimeError, match="address already in use"):
            wait_started([server])
    finally:
        stop_all([server])


def test_a_server_that_binds_is_up(database_url: str, tmp_path: Path) -> None:
    server = spawn_server(database_url, log_dir=tmp_path)
    try:
        wait_started([server])
        assert f"running on {server.url} " in server.log_text()
    finally:
        stop_all([server])


def test_a_moto_server_that_cannot_bind_is_not_taken_for_the_one_answering(
    port_taken_by_another_healthy_server: int, tmp_path: Path
) -> None:
    with pytest.raises(RuntimeError, match="moto server exited"):
        ses = start_local_ses(port_taken_by_another_healthy_server, log_path=tmp_path / "moto.log")
        ses.stop()


def test_the_serving_line_names_the_exact_port(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    assert not serves_on(log, "http://127.0.0.1:3340")  # no log yet
    log.write_text("INFO:     Uvicorn running on http://127.0.0.1:33403 (Press CTRL+C to quit)\n")
    assert serves_on(log, "http://127.0.0.1:33403")
    assert not serves_on(log, "http://127.0.0.1:3340")  # a prefix of another port is not this one
    log.write_text(" * Running on http://127.0.0.1:3340\n")  # werkzeug, under moto
    assert serves_on(log, "http://127.0.0.1:3340")
    # A log appended to: an earlier run's line on the same port is not this child's.
    assert not serves_on(log, "http://127.0.0.1:3340", since=log.stat().st_size)


def test_a_moto_log_that_already_names_the_port_does_not_count(
    port_taken_by_another_healthy_server: int, tmp_path: Path
) -> None:
    """moto appends to its log: a line an earlier moto wrote there on the same port is old."""
    log = tmp_path / "moto.log"
    log.write_text(f" * Running on http://127.0.0.1:{port_taken_by_another_healthy_server}\n")
    with pytest.raises(RuntimeError, match="moto server exited"):
        start_local_ses(port_taken_by_another_healthy_server, log_path=log).stop()
