"""A reader that looks between commits: while a race runs it polls the calendar, each poll one
statement and so one snapshot, for a booked job that has no email in the outbox. A booking and
its emails commit together, so no snapshot may ever show one without the other."""

from __future__ import annotations

import threading
from types import TracebackType

import psycopg

JOBS_WITHOUT_EMAILS = """
SELECT j.id::text FROM jobs j
WHERE j.tenant_id = %s AND j.source = 'booking'
  AND NOT EXISTS (SELECT 1 FROM email_outbox o WHERE o.job_id = j.id)
"""


class SnapshotReader:
    def __init__(self, database_url: str, tenant_id: str) -> None:
        self.database_url = database_url
        self.tenant_id = tenant_id
        self.snapshots = 0
        self.jobs_without_emails: set[str] = set()
        self._stop = threading.Event()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="outbox-snapshots", daemon=True)
        self.error: BaseException | None = None

    def _poll(self) -> None:
        try:
            with psycopg.connect(self.database_url, autocommit=True) as conn:
                self._started.set()
                while not self._stop.is_set():
                    rows = conn.execute(JOBS_WITHOUT_EMAILS, (self.tenant_id,)).fetchall()
                    self.jobs_without_emails.update(row[0] for row in rows)
                    self.snapshots += 1
        except BaseException as exc:  # reported by __exit__, never swallowed
            self.error = exc
            self._started.set()

    def __enter__(self) -> SnapshotReader:
        self._thread.start()
        self._started.wait(10)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(10)
        if self.error is not None and kind is None:
            raise RuntimeError("the snapshot reader failed") from self.error
