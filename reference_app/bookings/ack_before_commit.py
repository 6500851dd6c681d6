"""The `load_ack_before_commit` variant of the public booking (reference_app/faults.py): the
201 goes out while the booking's transaction is still open, and the commit follows in a
background task a moment later. A server that dies, or a database that restarts, in that
moment loses a booking the client was told it has: what the load harness's nemesis run must
catch. Never used unless that fault is explicitly switched on.
"""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from litestar import Response
from litestar.background_tasks import BackgroundTask
from psycopg_pool import AsyncConnectionPool

from reference_app.bookings.schemas import BookRequest
from reference_app.bookings.service import book_slot
from reference_app.db import Connection
from reference_app.services.service import load_bookable_service
from reference_app.settings import Settings

# Long enough that a fault injected at a random moment of a race finds acknowledged bookings
# still uncommitted.
COMMIT_DELAY_S = 1.0


async def book_then_commit_later(
    pool: AsyncConnectionPool[Connection],
    service_id: UUID,
    data: BookRequest,
    *,
    settings: Settings,
    idempotency_key: str | None,
) -> Response[Any]:
    conn = await pool.getconn()
    # book_slot's own transaction nests in this one (a savepoint), so its end commits nothing.
    outer = conn.transaction()
    try:
        await outer.__aenter__()
        service = await load_bookable_service(conn, service_id)
        result = await book_slot(
            conn,
            service,
            data,
            now=settings.clock.now(),
            idempotency_key=idempotency_key,
        )
    except BaseException as exc:
        try:
            await outer.__aexit__(type(exc), exc, exc.__traceback__)
        finally:
            await pool.putconn(conn)
        raise

    async def commit_later() -> None:
        try:
            await asyncio.sleep(COMMIT_DELAY_S)
            await outer.__aexit__(None, None, None)
        finally:
            await pool.putconn(conn)

    headers: dict[str, Any] = {"Idempotent-Replayed": "true"} if result.replayed else {}
    return Response(
        result.body, status_code=result.status_code, headers=headers, background=BackgroundTask(commit_later)
    )
