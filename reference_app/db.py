"""The connection pool (opened in the app's lifespan) and the per-request connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar
from litestar.datastructures import State
from psycopg import AsyncConnection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import AsyncConnectionPool

from reference_app.settings import Settings

Connection = AsyncConnection[DictRow]


async def _configure(conn: Connection) -> None:
    # Instants come back in UTC, as the API writes them, and as the same tzinfo object as the
    # service's own instants: comparing aware datetimes of two zones costs a UTC offset look-up
    # each time, ten times the comparison (an availability month sorts and searches thousands).
    await conn.execute("SET TimeZone TO 'UTC'")


def make_pool(settings: Settings) -> AsyncConnectionPool[Connection]:
    return AsyncConnectionPool(
        settings.database_url,
        min_size=settings.pool_min_size,
        max_size=settings.pool_max_size,
        kwargs={"row_factory": dict_row, "autocommit": True},
        open=False,
        name="reference_app",
        timeout=settings.pool_timeout_seconds,
        configure=_configure,
    )


def pool_lifespan(settings: Settings) -> Any:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        pool = make_pool(settings)
        # Not waiting: the service starts even while the database is down, and /health says so.
        await pool.open(wait=False)
        app.state.pool = pool
        try:
            yield
        finally:
            await pool.close()

    return lifespan


async def provide_connection(state: State) -> AsyncIterator[Connection]:
    """One pooled connection per request, in autocommit; writers open a transaction."""
    pool: AsyncConnectionPool[Connection] = state.pool
    async with pool.connection() as conn:
        yield conn
