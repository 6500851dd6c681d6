"""GET /health: the service is up and its database answers; which code and schema run.

Cheap and unauthenticated: one pooled connection, two tiny statements, nothing secret (no
settings, no hosts, no error text beyond the exception's class).
"""

from __future__ import annotations

import msgspec
from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from psycopg_pool import AsyncConnectionPool

from reference_app.db import Connection
from reference_app.deps import AppSettings
from reference_app.migrations import available_migrations, schema_state_from
from reference_app.operations.version import running_version
from reference_app.sql import query


class SchemaStatus(msgspec.Struct):
    applied: str | None  # latest applied migration; None when the database cannot say
    latest: str  # latest migration this code ships
    pending: int | None  # shipped but not applied; None when the database cannot say


class Health(msgspec.Struct, omit_defaults=True):
    status: str
    database: str
    version: str
    schema: SchemaStatus
    # Deliberately broken variants switched on (reference_app/faults.py); absent when none.
    faults: list[str] = msgspec.field(default_factory=list)


def _latest_shipped() -> str:
    last = available_migrations()[-1]
    return f"{last.version:04d}_{last.name}"


@get(
    "/health",
    tags=["ops"],
    cache=False,
    responses={503: ResponseSpec(data_container=Health, description="The database does not answer")},
)
async def health(state: State, settings: AppSettings) -> Response[Health]:
    pool: AsyncConnectionPool[Connection] = state.pool
    faults = sorted(settings.faults)
    version = running_version(settings.app_version)
    try:
        async with pool.connection(timeout=min(5.0, pool.timeout)) as conn:
            await conn.execute(query("health"))
            cur = await conn.execute(query("applied_migrations"))
            applied = {row["version"]: row["name"] for row in await cur.fetchall()}
    except Exception as exc:  # any failure means "not healthy", never a crash
        unknown = SchemaStatus(applied=None, latest=_latest_shipped(), pending=None)
        body = Health("unavailable", f"error: {type(exc).__name__}", version, unknown, faults)
        return Response(body, status_code=503)
    found = schema_state_from(applied)
    schema = SchemaStatus(applied=found.applied, latest=found.latest, pending=len(found.pending))
    return Response(Health("ok", "ok", version, schema, faults), status_code=200)
