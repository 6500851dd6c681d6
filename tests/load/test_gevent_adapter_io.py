"""An adapter's I/O in a Locust process yields to the other users: Locust patches the standard
library with gevent when it is imported, so an adapter's httpx client and psycopg connection
wait as greenlets. Proven against a server that answers no request until several are in flight
at once: it can only answer them all when the clients' sockets do not block each other.
Without the patch the same clients are served one at a time, and the server gives up."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from load.wiring.gevent_check import gevent_ready

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
TOGETHER = 3  # requests the server waits to have in flight at once
GIVE_UP_S = 5  # how long a request waits for the others before the server answers 504

SERVER = f"""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

together = threading.Barrier({TOGETHER}, timeout={GIVE_UP_S})

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        try:
            together.wait()
            status = 200
        except threading.BrokenBarrierError:
            status = 504
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""

CLIENTS = f"""
import sys
if sys.argv[2] == "locust":
    import locust  # as in a Locust process: the standard library is patched first
import gevent
import httpx
import psycopg  # imported after the patch, as the adapters are

from load.wiring.gevent_check import gevent_ready

def get():
    with httpx.Client(timeout=30) as client:
        return client.get(sys.argv[1]).status_code

greenlets = [gevent.spawn(get) for _ in range({TOGETHER})]
gevent.joinall(greenlets)
print(sorted(g.value for g in greenlets), gevent_ready())
"""


@pytest.fixture
def server() -> Iterator[str]:
    """A server of its own per test: a barrier that gave up stays broken."""
    process = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        yield f"http://127.0.0.1:{process.stdout.readline().strip()}/"
    finally:
        process.kill()
        process.wait()


def clients(url: str, mode: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", CLIENTS, url, mode], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_under_locusts_patch_the_adapters_http_runs_concurrently(server: str) -> None:
    assert clients(server, "locust") == f"{[200] * TOGETHER} None"


def test_without_the_patch_the_clients_block_each_other_and_the_check_says_so(server: str) -> None:
    statuses, _, why = clients(server, "plain").partition("] ")
    assert "504" in statuses
    assert why == "the standard socket module is not patched by gevent"


def test_psycopg_imported_before_the_patch_is_named() -> None:
    code = "import psycopg, locust\nfrom load.wiring.gevent_check import gevent_ready\nprint(gevent_ready())"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "psycopg was imported before gevent patched select (its C wait would block)"


def test_this_test_process_is_not_patched() -> None:
    """The check itself, in a process Locust never patched (pytest's)."""
    assert gevent_ready() == "the standard socket module is not patched by gevent"
