"""Admin authentication: argon2 password hashes and opaque bearer tokens stored hashed."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from reference_app.db import Connection
from reference_app.http.errors import ApiError
from reference_app.sql import query

# The tests swap `_hasher` for a cheap one; PRODUCTION_HASHER keeps what the service runs with.
PRODUCTION_HASHER = PasswordHasher()
_hasher = PRODUCTION_HASHER
# What an unknown email's sign-in verifies against, so it costs what a known one's does and the
# answer's timing does not tell which emails have accounts. Made once with the hasher's
# parameters (tests/unit/test_dummy_hash.py keeps them equal), not at import: every process
# that imports the service (each server, each command) would pay an argon2 hash to start.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$kitBK2cKBoVNg2fGpQGNMQ$TD0Sirksjq9dtzd3B4kabiGoVb6TNPBb7S0IEVJaveA"
)


@dataclass(frozen=True)
class Principal:
    user_id: UUID
    tenant_id: UUID
    email: str
    name: str
    tz: ZoneInfo


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    principal: Principal


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def invalid_credentials() -> ApiError:
    return ApiError(401, "invalid_credentials", "Email or password is wrong.")


async def login(
    conn: Connection, email: str, password: str, *, now: datetime, ttl_seconds: int
) -> IssuedToken:
    cur = await conn.execute(query("admin_user_by_email"), {"email": email})
    row = await cur.fetchone()
    try:
        # argon2 is deliberately slow and releases the GIL: keep it off the event loop.
        await asyncio.to_thread(_hasher.verify, row["password_hash"] if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        raise invalid_credentials() from None
    if row is None:
        raise invalid_credentials()
    if _hasher.check_needs_rehash(row["password_hash"]):
        await conn.execute(
            query("update_password_hash"),
            {"user_id": row["id"], "password_hash": await asyncio.to_thread(hash_password, password)},
        )
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(seconds=ttl_seconds)
    await conn.execute(
        query("insert_auth_token"),
        {
            "token_hash": token_digest(token),
            "user_id": row["id"],
            "tenant_id": row["tenant_id"],
            "expires_at": expires_at,
        },
    )
    principal = await principal_for_token(conn, token, now=now)
    assert principal is not None
    return IssuedToken(token, expires_at, principal)


async def principal_for_token(conn: Connection, token: str, *, now: datetime) -> Principal | None:
    cur = await conn.execute(query("principal_by_token"), {"token_hash": token_digest(token), "now": now})
    row = await cur.fetchone()
    if row is None:
        return None
    return Principal(
        user_id=row["user_id"],
        tenant_id=row["tenant_id"],
        email=row["email"],
        name=row["name"],
        tz=ZoneInfo(row["time_zone"]),
    )


async def logout(conn: Connection, token: str) -> None:
    await conn.execute(query("delete_auth_token"), {"token_hash": token_digest(token)})
