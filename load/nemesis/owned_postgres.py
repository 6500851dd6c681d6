"""A PostgreSQL cluster the harness creates, owns and may restart: a temporary data directory
made with `initdb`, served by `pg_ctl` on a free loopback port, removed afterwards.

The nemesis restarts the database in the middle of a race; it must never do that to a server
it did not start (a DATABASE_URL naming a shared server, say). So a run with `restart-db`
starts one of these, whatever DATABASE_URL says. The binaries come from the machine's
PostgreSQL (`pg_config --bindir`, /usr/lib/postgresql/*/bin, PATH) or else the embedded
pgserver wheel's own. PostgreSQL refuses to run as root: as root, the cluster runs as the
unprivileged `nobody`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

UNPRIVILEGED_USER = "nobody"
START_TIMEOUT_S = 60


class OwnedPostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries to start a cluster of our own with."""


def _has_binaries(folder: Path) -> bool:
    return all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres"))


def find_bindir() -> Path:
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(Path(out.stdout.strip()))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(os.path.realpath(initdb)).parent)
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        candidates.append(Path(POSTGRES_BIN_PATH))
    except ImportError:
        pass
    for folder in candidates:
        if _has_binaries(folder):
            return folder
    raise OwnedPostgresUnavailable(
        "restart-db needs a PostgreSQL the harness starts itself, and no initdb/pg_ctl/postgres "
        "binaries were found (install PostgreSQL's server package, or the 'stack' extra's pgserver)"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class OwnedPostgres:
    bindir: Path
    data_dir: Path
    port: int
    run_as: str | None  # an unprivileged user when the harness runs as root

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = START_TIMEOUT_S) -> None:
        result = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.run_as,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({result.returncode}): {result.stderr or result.stdout}")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        # Loopback TCP only, no Unix socket (its default directory may not be writable by us).
        options = f"-h 127.0.0.1 -p {self.port} -k '' -c fsync=on -c max_connections=200"
        log = str(self.data_dir / "server.log")
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", log, "-w", "-o", options, *extra, action)

    def start(self) -> None:
        self._pg_ctl("start")
        self.wait_ready()

    def restart(self) -> None:
        """Crash and start again: `immediate` kills every backend without a checkpoint, so the
        start runs crash recovery, as after a power cut; committed work must survive it."""
        self._pg_ctl("restart", "-m", "immediate")
        self.wait_ready()

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self._run("pg_ctl", "-D", str(self.data_dir), "-w", "-m", "fast", "stop", timeout=30)

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with psycopg.connect(self.url, connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def log_text(self) -> str:
        path = self.data_dir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextlib.contextmanager
def owned_postgres() -> Iterator[OwnedPostgres]:
    """A fresh cluster for the block; stopped and its data directory removed afterwards."""
    bindir = find_bindir()
    run_as = UNPRIVILEGED_USER if os.geteuid() == 0 else None
    data_dir = Path(tempfile.mkdtemp(prefix="booking-owned-pg-"))
    try:
        if run_as is not None:
            user = pwd.getpwnam(run_as)
            os.chown(data_dir, user.pw_uid, user.pw_gid)
        cluster = OwnedPostgres(bindir, data_dir, _free_port(), run_as)
        cluster._run(
            "initdb", "-D", str(data_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"
        )
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
