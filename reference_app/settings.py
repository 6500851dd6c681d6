"""Service settings. Read from the environment only when asked (Settings.from_env), never at import."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from reference_app.clock import Clock, SystemClock

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "on", "yes"}:
        return True
    if lowered in {"0", "false", "off", "no"}:
        return False
    raise ValueError(f"{name} must be on/off (or true/false), got {value!r}")


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    pool_min_size: int = 2
    pool_max_size: int = 10
    pool_timeout_seconds: float = 10.0
    # Off exists only so the harness can prove its race tests catch double-booking.
    concurrency_guard: bool = True
    max_body_bytes: int = 64 * 1024
    token_ttl_seconds: int = 12 * 3600
    log_level: str = "INFO"
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        base = cls()
        return cls(
            database_url=env.get("DATABASE_URL", base.database_url),
            pool_min_size=int(env.get("DB_POOL_MIN_SIZE", base.pool_min_size)),
            pool_max_size=int(env.get("DB_POOL_MAX_SIZE", base.pool_max_size)),
            pool_timeout_seconds=float(env.get("DB_POOL_TIMEOUT", base.pool_timeout_seconds)),
            concurrency_guard=_flag(env.get("BOOKING_CONCURRENCY_GUARD", "on"), "BOOKING_CONCURRENCY_GUARD"),
            max_body_bytes=int(env.get("MAX_BODY_BYTES", base.max_body_bytes)),
            token_ttl_seconds=int(env.get("TOKEN_TTL_SECONDS", base.token_ttl_seconds)),
            log_level=env.get("LOG_LEVEL", base.log_level).upper(),
        )

    def configure_logging(self) -> None:
        logging.basicConfig(level=self.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
