"""GET /health: the service is up and its database answers."""

from __future__ import annotations

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from psycopg_pool import AsyncConnectionPool

from reference_app.settings import Settings
from reference_app.sql import query


class Health(msgspec.Struct, omit_defaults=True):
    status: str
    database: str
    # Deliberately broken variants switched on (reference_app/faults.py); absent when none.
    faults: list[str] = msgspec.field(default_factory=list)


@get(
    "/health",
    tags=["ops"],
    cache=False,
    responses={503: ResponseSpec(data_container=Health, description="The database does not answer")},
)
async def health(state: State, settings: Settings) -> Response[Health]:
    pool: AsyncConnectionPool = state.pool
    faults = sorted(settings.faults)
    try:
        async with pool.connection(timeout=min(5.0, pool.timeout)) as conn:
            await conn.execute(query("health"))
    except Exception as exc:  # any failure means "not healthy", never a crash
        return Response(Health("unavailable", f"error: {type(exc).__name__}", faults), status_code=503)
    return Response(Health("ok", "ok", faults), status_code=200)
