"""The database's limit for a booking: the service's own booking transaction (its SQL, from
reference_app/sql/queries.sql, in its order: service lookup, then in one transaction the slot
locks, the overlap count, the insert and the email outbox rows), run straight from psycopg by
several concurrent connections, with no HTTP and no web framework. Every transaction books
its own slot, so each one takes the full path a successful booking takes. Like the service, it
pipelines the statements whose results it does not read. The connections are spread over
several client processes, so one Python process's CPU is not mistaken for the database's limit.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from load.benchmark.measured import Measured
from reference_app.capacity import lock_buckets
from reference_app.local.seed import seed
from reference_app.sql import query

SLOT = timedelta(minutes=30)


@dataclass(frozen=True)
class SqlBaseline(Measured):
    connections: int
    seconds: float
    transactions: int
    latencies_ms: list[float]
    processes: int = 1


def _has_query(name: str) -> bool:
    try:
        query(name)
    except KeyError:
        return False
    return True


async def _book_loop(
    database_url: str,
    service_id: str,
    tenant_id: UUID,
    first: datetime,
    lane: int,
    lanes: int,
    deadline: float,
) -> list[float]:
    latencies = []
    with_outbox = _has_query("enqueue_emails")
    async with await AsyncConnection.connect(database_url, row_factory=dict_row, autocommit=True) as conn:
        n = 0
        while time.perf_counter() < deadline:
            start = first + SLOT * (n * lanes + lane)
            end = start + SLOT
            began = time.perf_counter()
            await (await conn.execute(query("service_with_tenant"), {"service_id": service_id})).fetchone()
            async with conn.pipeline(), conn.transaction():
                low, high = lock_buckets(start, end)
                await conn.execute(
                    query("lock_slot_buckets"),
                    {"tenant_id": tenant_id, "first_bucket": low, "last_bucket": high},
                )
                params: dict[str, Any] = {
                    "tenant_id": tenant_id,
                    "start_time": start,
                    "end_time": end,
                    "exclude_job_id": None,
                }
                await (await conn.execute(query("overlapping_active_jobs"), params)).fetchall()
                cur = await conn.execute(
                    query("insert_booking"),
                    {
                        "tenant_id": tenant_id,
                        "service_id": service_id,
                        "contact_name": "Baseline",
                        "contact_email": f"baseline-{lane}-{n}@example.com",
                        "contact_phone": None,
                        "title": "Baseline booking",
                        "start_time": start,
                        "end_time": end,
                        "status": "scheduled",
                        "notes": None,
                    },
                )
                row = await cur.fetchone()
                assert row is not None
                if with_outbox:
                    emails = [
                        {
                            "kind": "baseline",
                            "recipient": "x@example.com",
                            "payload": {"jobId": str(row["id"])},
                        }
                    ]
                    await conn.execute(
                        query("enqueue_emails"),
                        {"tenant_id": tenant_id, "job_id": row["id"], "emails": Jsonb(emails)},
                    )
            latencies.append((time.perf_counter() - began) * 1000)
            n += 1
    return latencies


@dataclass(frozen=True)
class _Lanes:
    """One client process's share of the connections ("lanes"), each booking its own slots."""

    database_url: str
    service_id: str
    tenant_id: UUID
    first: datetime
    lanes: range
    total: int
    seconds: float

    async def run(self) -> tuple[float, list[float]]:
        began = time.perf_counter()
        deadline = began + self.seconds
        results = await asyncio.gather(
            *(
                _book_loop(
                    self.database_url, self.service_id, self.tenant_id, self.first, lane, self.total, deadline
                )
                for lane in self.lanes
            )
        )
        return time.perf_counter() - began, [ms for lane in results for ms in lane]


def _process(share: _Lanes) -> tuple[float, list[float]]:
    return asyncio.run(share.run())


def measure_sql_baseline(
    database_url: str, *, connections: int = 8, seconds: float = 15.0, processes: int = 2
) -> SqlBaseline:
    tenant = seed(database_url, tenant_name="SQL baseline")
    service_id, tenant_id = tenant.services["callout"], UUID(tenant.tenant_id)
    first = (datetime.now(UTC) + timedelta(days=400)).replace(minute=0, second=0, microsecond=0)
    processes = max(1, min(processes, connections))
    shares = [range(p, connections, processes) for p in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        futures = [
            pool.submit(
                _process, _Lanes(database_url, service_id, tenant_id, first, lanes, connections, seconds)
            )
            for lanes in shares
        ]
        done = [f.result() for f in futures]
    elapsed = max(e for e, _ in done)
    latencies = [ms for _, lane in done for ms in lane]
    return SqlBaseline(connections, elapsed, len(latencies), latencies, processes)
