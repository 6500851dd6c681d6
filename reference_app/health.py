"""GET /health: the service is up and its database answers."""

from __future__ import annotations

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from psycopg_pool import AsyncConnectionPool

from reference_app.sql import query


class Health(msgspec.Struct):
    status: str
    database: str


@get(
    "/health",
    tags=["ops"],
    cache=False,
    responses={503: ResponseSpec(data_container=Health, description="The database does not answer")},
)
async def health(state: State) -> Response[Health]:
    pool: AsyncConnectionPool = state.pool
    try:
        async with pool.connection(timeout=min(5.0, pool.timeout)) as conn:
            await conn.execute(query("health"))
    except Exception as exc:  # any failure means "not healthy", never a crash
        return Response(Health("unavailable", f"error: {type(exc).__name__}"), status_code=503)
    return Response(Health("ok", "ok"), status_code=200)
