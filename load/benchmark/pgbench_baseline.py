"""The database's true limit for a booking, measured by PostgreSQL's own `pgbench`: the
service's booking transaction (its statements, taken from reference_app/sql/queries.sql at
run time, so they cannot drift from what the service runs) in a custom pgbench script, in the
service's round trips (pipelined like the service's: BEGIN, slot locks and overlap count;
the insert; the emails and COMMIT), over as many connections as the service's pools hold.

pgbench is a C client: unlike the psycopg loop (load/benchmark/sql_baseline.py), its own CPU is small,
so its rate is the closest to what the database alone can do on this machine.
"""

from __future__ import annotations

import glob
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from load.benchmark.measured import Measured
from reference_app.local.seed import seed
from reference_app.sql import query


class PgbenchUnavailable(RuntimeError):
    """No pgbench binary on this machine."""


# The service's bound parameters, as pgbench expressions: each transaction books its own
# random half-hour slot (from \set below), with its own contact.
_PARAMETERS = {
    "tenant_id": ":tenant_id",
    "service_id": ":service_id",
    "start_time": "to_timestamp(:start_epoch)",
    "end_time": "to_timestamp(:end_epoch)",
    "first_bucket": ":first_bucket",
    "last_bucket": ":last_bucket",
    "exclude_job_id": "NULL",
    "contact_name": "'pgbench'",
    "contact_email": "('pgbench-' || :client_id || '-' || :slot || '@example.com')",
    "contact_phone": "NULL",
    "title": "'pgbench booking'",
    "status": "'scheduled'",
    "notes": "NULL",
    "job_id": ":id",
    "emails": ":emails",
}
_PLACEHOLDER = re.compile(r"%\((?P<name>[a-z_]+)\)s")
_COMMENT = re.compile(r"--[^\n]*")
EMAILS = [
    {
        "kind": "client_instant_confirmation",
        "recipient": "client@example.com",
        "payload": {"source": "pgbench"},
    },
    {"kind": "contractor_new_booking", "recipient": "owner@example.com", "payload": {"source": "pgbench"}},
]


def as_pgbench(name: str) -> str:
    """A named statement of the service with its parameters as pgbench expressions."""
    sql = _COMMENT.sub("", query(name))

    def replace(match: re.Match[str]) -> str:
        return _PARAMETERS[match["name"]]

    return " ".join(_PLACEHOLDER.sub(replace, sql).split())


def booking_script() -> str:
    """The custom pgbench script: the booking transaction, as the service runs it."""
    return "\n".join(
        [
            "\\set slot random(0, 40000000)",
            "\\set start_epoch :base_epoch + :slot * 1800",
            "\\set end_epoch :start_epoch + 1800",
            "\\set first_bucket :start_epoch / 3600",
            "\\set last_bucket (:end_epoch + 3599) / 3600 - 1",
            as_pgbench("service_with_tenant") + ";",
            "\\startpipeline",
            "BEGIN;",
            as_pgbench("lock_slot_buckets") + ";",
            as_pgbench("overlapping_active_jobs") + ";",
            "\\endpipeline",
            as_pgbench("insert_booking"),
            "\\gset",
            "\\startpipeline",
            as_pgbench("enqueue_emails") + ";",
            "COMMIT;",
            "\\endpipeline",
            "",
        ]
    )


def find_pgbench() -> Path:
    found = shutil.which("pgbench")
    candidates = [Path(found)] if found else []
    candidates += [Path(p) / "pgbench" for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    try:
        from pgserver._commands import POSTGRES_BIN_PATH

        candidates.append(Path(POSTGRES_BIN_PATH) / "pgbench")
    except ImportError:
        pass
    for path in candidates:
        if path.is_file():
            return path
    raise PgbenchUnavailable(
        "no pgbench: install PostgreSQL's client package, or the 'stack' extra's pgserver"
    )


@dataclass(frozen=True)
class PgbenchResult(Measured):
    connections: int
    threads: int
    seconds: float
    transactions: int
    latencies_ms: list[float]


def _read_latencies(folder: Path) -> tuple[list[float], float]:
    """Per-transaction latencies (ms) from pgbench's logs, and the span they cover (s)."""
    latencies, first, last = [], float("inf"), 0.0
    for path in folder.glob("pgbench_log*"):
        for line in path.read_text().splitlines():
            fields = line.split()
            # client_id transaction_no latency_us script_no epoch_s epoch_us
            if len(fields) >= 6:
                latencies.append(int(fields[2]) / 1000)
                finished = int(fields[4]) + int(fields[5]) / 1e6
                first, last = min(first, finished - int(fields[2]) / 1e6), max(last, finished)
    return latencies, max(0.0, last - first)


def measure_pgbench(
    database_url: str, *, connections: int = 20, threads: int = 2, seconds: float = 15.0
) -> PgbenchResult:
    """Run the booking script against a migrated database (a tenant of its own is seeded)."""
    pgbench = find_pgbench()
    tenant = seed(database_url, tenant_name="pgbench baseline")
    base = (datetime.now(UTC) + timedelta(days=400)).replace(minute=0, second=0, microsecond=0)
    with tempfile.TemporaryDirectory(prefix="pgbench-") as scratch:
        folder = Path(scratch)
        script = folder / "booking.sql"
        script.write_text(booking_script())
        command = [
            str(pgbench),
            "--no-vacuum",
            "--protocol=prepared",
            f"--client={connections}",
            f"--jobs={threads}",
            f"--time={max(1, round(seconds))}",
            f"--file={script}",
            f"--define=tenant_id={tenant.tenant_id}",
            f"--define=service_id={tenant.services['callout']}",
            f"--define=base_epoch={int(base.timestamp())}",
            f"--define=emails={json.dumps(EMAILS)}",
            "--log",
            f"--log-prefix={folder / 'pgbench_log'}",
            database_url,
        ]
        run = subprocess.run(command, capture_output=True, text=True, cwd=folder, check=False)
        if run.returncode != 0:
            raise RuntimeError(
                f"pgbench failed ({run.returncode}): {run.stderr.strip() or run.stdout.strip()}"
            )
        latencies, span = _read_latencies(folder)
    return PgbenchResult(connections, threads, span or seconds, len(latencies), latencies)
