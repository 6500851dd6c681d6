"""The local reference stack: PostgreSQL (from the provider), migrated, seeded, and served by
one or more server processes on loopback, with a moto SES server and one email-sender process.
Used by `python -m reference_app stack`, the harness suites and the tests.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from reference_app.local.postgres_provider import provide_postgres, scratch_database
from reference_app.local.seed import SeedResult, seed
from reference_app.local.serving import serves_on
from reference_app.local.ses import LocalSes, local_ses, lower_priority
from reference_app.migrations import migrate
from reference_app.settings import parse_flag

SENDER = "bookings@demo.example.com"
# The email sender and the SES stand-in run at a lower CPU priority: mail is background work
# (the outbox absorbs a delay), and SES's CPU would not be ours in production.
BACKGROUND_NICENESS = 10
# Every client of a local server is 127.0.0.1, so the per-address abuse limits would count the
# harness's users (and the tests) as one client: local servers raise them out of reach. The
# per-email sign-in limit stays, so throttling is still there to see; load runs switch all
# limits off (ABUSE_LIMITS=off); an `env` given to the stack or server overrides these.
LOOPBACK_LIMITS = {"SIGNIN_MAX_FAILURES_PER_ADDRESS": "1000000", "BOOKING_MAX_PER_ADDRESS": "1000000"}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class PortInUse(Exception):
    """The port a stack would serve on is taken: nothing was started."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        super().__init__(
            f"port {port} is in use: another stack or program is listening there; pass --port N or stop it"
        )


def ensure_port_free(host: str, port: int) -> None:
    """Raise PortInUse when `port` cannot be bound on `host`. Checked before anything starts:
    a server that fails to bind would otherwise find the other program's /health answering
    and report itself up. SO_REUSEADDR as uvicorn sets it, so a port left in TIME_WAIT by a
    stopped stack counts as free (on Linux it never allows a second listener)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(host, port) from None
            raise


def run_log_dir(base: Path, port: int) -> Path:
    """The stack's own log folder under `base`: named for its port and a run id, so a second
    stack (on any port) never truncates a running one's logs."""
    run_id = f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
    return base / f"stack-{port}-{run_id}"


@dataclass
class ChildProcess:
    process: subprocess.Popen[bytes]
    log_path: Path

    def stop(self, timeout: float = 10) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.wait_stopped(timeout)

    def wait_stopped(self, timeout: float = 10) -> None:
        """Wait for a process asked to stop; kill it when it overstays."""
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@dataclass
class ServerProcess(ChildProcess):
    url: str


@dataclass
class StackInfo:
    database_url: str
    database_source: str
    seed: SeedResult
    servers: list[ServerProcess] = field(default_factory=list)
    mailbox_url: str | None = None
    email_sender: ChildProcess | None = None
    # The environment every server process got (PUBLIC_APP_URL, SES_*...): what a target needs.
    server_env: dict[str, str] = field(default_factory=dict)
    # The moto server standing in for SES (the load harness pauses it to simulate an outage).
    ses: LocalSes | None = None
    # This stack's own folder of logs (servers, email sender, moto, provisioning).
    log_dir: Path | None = None

    @property
    def processes(self) -> list[ChildProcess]:
        return [*self.servers, *([self.email_sender] if self.email_sender else [])]

    @property
    def base_url(self) -> str:
        return self.servers[0].url

    @property
    def urls(self) -> list[str]:
        return [s.url for s in self.servers]

    def target_json(self) -> dict[str, Any]:
        """The stack described in the harness's target format (see harness/target.py)."""
        return {
            "baseUrl": self.base_url,
            "urls": self.urls,
            "admin": {"email": self.seed.admin_email, "password": self.seed.admin_password},
            "services": dict(self.seed.services),
            "databaseUrl": self.database_url,
            "mailboxUrl": self.mailbox_url,
            "aws": {
                "endpointUrl": self.server_env.get("SES_ENDPOINT_URL"),
                "region": self.server_env.get("SES_REGION", "us-east-1"),
                "sesFromAddress": self.server_env.get("SES_FROM_ADDRESS", "bookings@example.com"),
            },
            "publicAppUrl": self.server_env.get("PUBLIC_APP_URL", self.base_url),
            "metricsToken": self.server_env.get("METRICS_TOKEN"),
            "databaseSource": self.database_source,
            "tenant": {"id": self.seed.tenant_id, "timeZone": self.seed.time_zone},
        }


def provision_local_monitoring(server_env: Mapping[str, str], log_dir: Path) -> None:
    """The dashboard and alarms, created on the stack's moto server as production creates
    them on AWS (`python -m reference_app provision-monitoring`)."""
    result = subprocess.run(
        [sys.executable, "-m", "reference_app", "provision-monitoring"],
        env={**os.environ, **server_env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    (log_dir / "provision-monitoring.log").write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f"provision-monitoring failed on the local stack:\n{result.stderr}")


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], timeout: float = 60, log_path: Path | None = None
) -> None:
    """Wait until `url` answers its health check. With the process's log, also until the log
    says this process is serving there: another program on the port (two stacks that drew the
    same free port, one binding it first) answers the health check too, while this process is
    still starting and about to fail its bind."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server at {url} exited with code {process.returncode}")
        try:
            healthy = httpx.get(f"{url}/health", timeout=2).status_code == 200
        except httpx.TransportError:
            healthy = False
        if healthy and serves_on(log_path, url):
            return
        time.sleep(0.1)
    raise TimeoutError(f"server at {url} did not become healthy within {timeout} s")


def _spawn(
    arguments: list[str], env: Mapping[str, str], log_path: Path, niceness: int = 0
) -> subprocess.Popen[bytes]:
    with log_path.open("wb") as log_file:
        return subprocess.Popen(
            [sys.executable, "-m", "reference_app", *arguments],
            env=dict(env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            preexec_fn=lower_priority(niceness),
        )


def start_email_sender(database_url: str, *, env: Mapping[str, str], log_dir: Path) -> ChildProcess:
    """The outbox sender as a process of its own (`send-emails`): delivering mail (rendering,
    MIME, the SES call through boto3) then competes with the servers for CPU, not for their GIL."""
    log_path = log_dir / "email-sender.log"
    child_env = {
        **os.environ,
        "DB_POOL_MIN_SIZE": "1",
        "DB_POOL_MAX_SIZE": "2",
        **env,
        "DATABASE_URL": database_url,
        "EMAIL_SENDER_ENABLED": "true",
    }
    sender = ChildProcess(_spawn(["send-emails"], child_env, log_path, BACKGROUND_NICENESS), log_path)
    time.sleep(0.2)
    if sender.process.poll() is not None:
        raise RuntimeError(f"email sender failed to start; its log:\n{sender.log_text()}")
    return sender


def spawn_server(
    database_url: str,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
    log_dir: Path,
) -> ServerProcess:
    """Start a server process and return at once; `wait_started` waits for its health."""
    port = port or free_port(host)
    log_path = log_dir / f"server-{port}.log"
    child_env = {**os.environ, **LOOPBACK_LIMITS, **(env or {}), "DATABASE_URL": database_url}
    process = _spawn(
        ["serve", "--host", host, "--port", str(port), "--workers", str(workers)], child_env, log_path
    )
    return ServerProcess(process, log_path, f"http://{host}:{port}")


def wait_started(servers: Sequence[ServerProcess]) -> None:
    """Wait until every server answers its health check; stop them all (with the failing one's
    log in the error) when one does not."""
    for server in servers:
        try:
            wait_healthy(server.url, server.process, log_path=server.log_path)
        except Exception:
            stop_all(servers)
            raise RuntimeError(f"server failed to start; its log:\n{server.log_text()}") from None


def start_server(
    database_url: str,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    workers: int = 1,
    env: Mapping[str, str] | None = None,
    log_dir: Path,
) -> ServerProcess:
    server = spawn_server(database_url, host=host, port=port, workers=workers, env=env, log_dir=log_dir)
    wait_started([server])
    return server


def stop_all(children: Sequence[ChildProcess], timeout: float = 10) -> None:
    """Ask every child to stop at once, then wait for each (killing those that overstay): a stack
    stops in the time of its slowest process, not the sum of them all."""
    for child in children:
        if child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
    for child in children:
        child.wait_stopped(timeout)


@contextlib.contextmanager
def local_stack(
    *,
    servers: int = 1,
    workers: int = 1,
    host: str = "127.0.0.1",
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    log_dir: Path | None = None,
    fresh_database: bool = True,
    with_ses: bool = True,
    postgres_url: str | None = None,
) -> Iterator[StackInfo]:
    """PostgreSQL + migrations + demo seed + a moto SES server + `servers` server processes;
    all stopped on exit. Without SES (`with_ses=False`): no moto, no monitoring set-up and no
    email sender; the servers queue emails in the outbox and send none.

    With fresh_database, a scratch database is created on the provided server and dropped
    afterwards, so a DATABASE_URL pointing at a shared server is never written to.
    `postgres_url` names the server to use instead of the provider's (e.g. one the caller
    started and may restart).

    A given `port` must be free (PortInUse otherwise, raised before anything starts). The logs
    go to a folder of this stack's own under `log_dir` (default STACK_LOG_DIR or
    artifacts/logs), named for the port and a run id: StackInfo.log_dir.
    """
    if port:
        ensure_port_free(host, port)
    port = port or free_port(host)
    base_log_dir = log_dir or Path(os.environ.get("STACK_LOG_DIR", "artifacts/logs"))
    log_dir = run_log_dir(base_log_dir, port)
    log_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        provided = stack.enter_context(
            provide_postgres({"DATABASE_URL": postgres_url} if postgres_url else None)
        )
        url = provided.url
        if fresh_database:
            url = stack.enter_context(scratch_database(provided.url, "booking_stack"))
        migrate(url)
        info = StackInfo(url, provided.source, seed(url), log_dir=log_dir)
        # /metrics needs this bearer token; the target file carries it for the harness.
        server_env = {"PUBLIC_APP_URL": f"http://{host}:{port}", "METRICS_TOKEN": secrets.token_urlsafe(24)}
        if with_ses:
            ses = stack.enter_context(
                local_ses(
                    free_port(host),
                    sender=SENDER,
                    log_path=log_dir / "moto-ses.log",
                    niceness=BACKGROUND_NICENESS,
                )
            )
            info.mailbox_url = ses.url
            info.ses = ses
            server_env.update(ses.service_env(SENDER))
        else:
            # No SES to send to: the servers only queue emails in the outbox (a server's own
            # sender would try AWS itself), unless the caller's env says otherwise.
            server_env["EMAIL_SENDER_ENABLED"] = "false"
        server_env.update(env or {})
        info.server_env = server_env
        if with_ses:
            provision_local_monitoring(server_env, log_dir)
        # One sender process for the stack, unless the caller turned sending off; the servers
        # then only queue emails.
        separate_sender = with_ses and parse_flag(
            server_env.get("EMAIL_SENDER_ENABLED", "true"), "EMAIL_SENDER_ENABLED"
        )
        if separate_sender:
            server_env["EMAIL_SENDER_ENABLED"] = "false"
        try:
            if separate_sender:
                info.email_sender = start_email_sender(url, env=server_env, log_dir=log_dir)
            # Every server starts at once: a stack is up in the time of one server's start-up.
            for index in range(servers):
                info.servers.append(
                    spawn_server(
                        url,
                        host=host,
                        port=port if index == 0 else None,
                        workers=workers,
                        env=server_env,
                        log_dir=log_dir,
                    )
                )
            wait_started(info.servers)
            yield info
        finally:
            stop_all(info.processes)
