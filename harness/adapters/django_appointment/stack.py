"""A local django-appointment to verify: its own virtualenv (cached), a fresh database on the
usual PostgreSQL provider, migrated and seeded, served by gunicorn with two workers on
loopback, and a target file that names the django-appointment adapter. Torn down on exit
like the reference stack: the server stopped, the scratch database dropped.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from psycopg.conninfo import conninfo_to_dict

from reference_app.local.postgres_provider import provide_postgres, scratch_database
from reference_app.local.stack import ChildProcess, ensure_port_free, free_port, run_log_dir

APP_VERSION = "3.12"
REQUIREMENTS = (f"django-appointment=={APP_VERSION}.*", "gunicorn>=22.0", "psycopg[binary]>=3.2")
TIME_ZONE = "America/New_York"  # the reference stack's business zone: times are not UTC
WORKERS = 2
SITE_SOURCE = Path(__file__).with_name("site")


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "booking-harness"


def _run(command: list[str], *, env: Mapping[str, str] | None = None, log: Path, timeout: float) -> str:
    """Run a command to completion, its output appended to `log`; a failure names the log."""
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}\n")
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[1:4])} failed (exit {result.returncode}); see {log}:\n{result.stderr[-2000:]}"
        )
    return result.stdout


def app_virtualenv(log: Path, cache: Path | None = None) -> Path:
    """The python of a virtualenv holding the pinned app, built once and reused. Built beside
    its final place and renamed into it, under a lock, so a half-built one is never reused."""
    folder = (cache or cache_root()) / f"django-appointment-{APP_VERSION}"
    python = folder / "bin" / "python"
    stamp = folder / "requirements.json"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with (folder.parent / f"{folder.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if python.exists() and stamp.exists() and json.loads(stamp.read_text()) == list(REQUIREMENTS):
            return python
        for left in folder.parent.glob(f"{folder.name}.partial-*"):  # an interrupted build's
            shutil.rmtree(left, ignore_errors=True)
        partial = folder.with_name(f"{folder.name}.partial-{os.getpid()}")
        _run([sys.executable, "-m", "venv", str(partial)], log=log, timeout=300)
        pip = [str(partial / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
        _run([*pip, *REQUIREMENTS], log=log, timeout=900)
        (partial / "requirements.json").write_text(json.dumps(list(REQUIREMENTS)))
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(partial, folder)  # `python -m ...` works from the moved folder
    return python


def database_env(database_url: str) -> dict[str, str]:
    """The database's parts for the site's settings (a conninfo string or a URL)."""
    parts = conninfo_to_dict(database_url)
    keys = {"dbname": "NAME", "user": "USER", "password": "PASSWORD", "host": "HOST", "port": "PORT"}
    return {f"DJANGO_DB_{name}": str(parts[key]) for key, name in keys.items() if parts.get(key)}


@dataclass
class AppStack:
    base_url: str
    database_url: str
    database_source: str
    seed: Mapping[str, Any]
    server: ChildProcess
    log_dir: Path
    mail_dir: Path

    def target_json(self) -> dict[str, Any]:
        """The target file: the adapter's name and what it needs (harness/target.py)."""
        admin = self.seed["admin"]
        return {
            "baseUrl": self.base_url,
            "adapter": "django-appointment",
            "adapterOptions": {
                "staffMemberId": self.seed["staffMemberId"],
                "timeZone": TIME_ZONE,
                "serviceMinutes": self.seed["serviceMinutes"],
                "workingHours": self.seed["workingHours"],
                "mailDir": str(self.mail_dir),
            },
            "admin": {"email": admin["email"], "password": admin["password"]},
            "services": dict(self.seed["services"]),
            "databaseUrl": self.database_url,
            "databaseSource": self.database_source,
        }


def wait_answering(url: str, server: ChildProcess, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.process.returncode}:\n{server.log_text()}")
        try:
            if httpx.get(f"{url}/admin/login/", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.stop()
    raise TimeoutError(f"django-appointment at {url} did not answer within {timeout} s:\n{server.log_text()}")


@contextlib.contextmanager
def django_appointment_stack(
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    log_dir: Path | None = None,
    postgres_url: str | None = None,
) -> Iterator[AppStack]:
    """The whole stack for the duration of the block (PortInUse before anything starts).
    `postgres_url` names the server to make the scratch database on instead of the provider's."""
    if port:
        ensure_port_free(host, port)
    port = port or free_port(host)
    # Absolute: gunicorn runs in the site's folder, and the mail folder goes in the target file.
    base = (log_dir or Path(os.environ.get("STACK_LOG_DIR", "artifacts/logs"))).resolve()
    run_dir = run_log_dir(base / "django-appointment", port)
    mail_dir, site_dir = run_dir / "mail", run_dir / "site"
    mail_dir.mkdir(parents=True)
    shutil.copytree(SITE_SOURCE, site_dir / "booking_site", ignore=shutil.ignore_patterns("__pycache__"))
    setup_log = run_dir / "setup.log"
    python = app_virtualenv(setup_log)
    with contextlib.ExitStack() as stack:
        provided = stack.enter_context(
            provide_postgres({"DATABASE_URL": postgres_url} if postgres_url else None)
        )
        url = stack.enter_context(scratch_database(provided.url, "django_appointment"))
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/tmp"),
            "PYTHONPATH": str(site_dir),
            "DJANGO_SETTINGS_MODULE": "booking_site.settings",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "DJANGO_TIME_ZONE": TIME_ZONE,
            "DJANGO_MAIL_DIR": str(mail_dir),
            **database_env(url),
        }
        django = [str(python), "-m", "django"]
        _run([*django, "makemigrations", "appointment", "--noinput"], env=env, log=setup_log, timeout=300)
        _run([*django, "migrate", "--noinput"], env=env, log=setup_log, timeout=600)
        seed_env = {**env, "SEED_ADMIN_PASSWORD": secrets.token_urlsafe(16)}
        seed = json.loads(
            _run(
                [str(python), "-m", "booking_site.seed"], env=seed_env, log=setup_log, timeout=120
            ).splitlines()[-1]
        )
        server_log = run_dir / "gunicorn.log"
        command = [
            str(python), "-m", "gunicorn", "booking_site.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(WORKERS), "--timeout", "60",
            "--access-logfile", "-", "--error-logfile", "-", "--capture-output",
        ]  # fmt: skip
        with server_log.open("wb") as out:
            process = subprocess.Popen(command, env=env, cwd=site_dir, stdout=out, stderr=subprocess.STDOUT)
        server = ChildProcess(process, server_log)
        stack.callback(server.stop)
        base_url = f"http://{host}:{port}"
        wait_answering(base_url, server)
        yield AppStack(base_url, url, provided.source, seed, server, run_dir, mail_dir)
