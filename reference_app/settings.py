"""Service settings. Read from the environment only when asked (Settings.from_env), never at import."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from reference_app.clock import Clock, SystemClock
from reference_app.faults import GUARD_OFF, parse_faults

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def parse_flag(value: str, name: str) -> bool:
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
    # Email: SES through boto3 (a moto server locally); disabled means logged, not sent.
    ses_enabled: bool = False
    ses_from_address: str = "bookings@example.com"
    ses_region: str = "us-east-1"
    ses_endpoint_url: str | None = None
    public_app_url: str = "http://127.0.0.1:8000"
    email_sender_enabled: bool = True
    email_poll_seconds: float = 1.0
    email_max_attempts: int = 8
    email_retry_base_seconds: float = 2.0
    email_retry_max_seconds: float = 300.0
    clock: Clock = field(default_factory=SystemClock)
    # Deliberately broken variants (reference_app/faults.py): empty unless explicitly allowed.
    faults: frozenset[str] = frozenset()
    # Production features: CORS, version, SES feedback, metrics, abuse limits.
    cors_allowed_origins: tuple[str, ...] | None = None  # None: the origin of public_app_url
    app_version: str | None = None
    aws_endpoint_url: str | None = None  # None: ses_endpoint_url (moto locally), else real AWS
    ses_feedback_queue_url: str | None = None
    metrics_token: str | None = None  # None: /metrics answers loopback clients only
    abuse_limits: bool = True
    signin_max_failures_per_email: int = 5
    signin_max_failures_per_address: int = 20
    signin_window_seconds: int = 900
    booking_max_per_address: int = 60
    booking_window_seconds: int = 600

    @property
    def failpoints(self) -> frozenset[str]:
        """The failpoints an application built with these settings runs with (failpoints.py):
        the named faults, and race_guard_off when BOOKING_CONCURRENCY_GUARD=off."""
        return self.faults | ({GUARD_OFF} if not self.concurrency_guard else set())

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        base = cls()
        return cls(
            database_url=env.get("DATABASE_URL", base.database_url),
            pool_min_size=int(env.get("DB_POOL_MIN_SIZE", base.pool_min_size)),
            pool_max_size=int(env.get("DB_POOL_MAX_SIZE", base.pool_max_size)),
            pool_timeout_seconds=float(env.get("DB_POOL_TIMEOUT", base.pool_timeout_seconds)),
            concurrency_guard=parse_flag(
                env.get("BOOKING_CONCURRENCY_GUARD", "on"), "BOOKING_CONCURRENCY_GUARD"
            ),
            max_body_bytes=int(env.get("MAX_BODY_BYTES", base.max_body_bytes)),
            token_ttl_seconds=int(env.get("TOKEN_TTL_SECONDS", base.token_ttl_seconds)),
            log_level=env.get("LOG_LEVEL", base.log_level).upper(),
            ses_enabled=parse_flag(env.get("SES_ENABLED", "false"), "SES_ENABLED"),
            ses_from_address=env.get("SES_FROM_ADDRESS", base.ses_from_address),
            ses_region=env.get("SES_REGION", base.ses_region),
            ses_endpoint_url=env.get("SES_ENDPOINT_URL") or None,
            public_app_url=env.get("PUBLIC_APP_URL", base.public_app_url).rstrip("/"),
            email_sender_enabled=parse_flag(env.get("EMAIL_SENDER_ENABLED", "true"), "EMAIL_SENDER_ENABLED"),
            email_poll_seconds=float(env.get("EMAIL_POLL_SECONDS", base.email_poll_seconds)),
            email_max_attempts=int(env.get("EMAIL_MAX_ATTEMPTS", base.email_max_attempts)),
            email_retry_base_seconds=float(
                env.get("EMAIL_RETRY_BASE_SECONDS", base.email_retry_base_seconds)
            ),
            email_retry_max_seconds=float(env.get("EMAIL_RETRY_MAX_SECONDS", base.email_retry_max_seconds)),
            faults=parse_faults(env),
            **production_settings(env),
        )

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        if self.cors_allowed_origins is not None:
            return self.cors_allowed_origins
        return (origin_of(self.public_app_url),)

    @property
    def aws_endpoint(self) -> str | None:
        return self.aws_endpoint_url or self.ses_endpoint_url

    def configure_logging(self) -> None:
        logging.basicConfig(level=self.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, the form browsers send in Origin."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        raise ValueError(f"not an absolute URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}".lower()


def _origins(raw: str | None) -> tuple[str, ...] | None:
    """CORS_ALLOWED_ORIGINS: comma-separated origins (scheme://host[:port]) or `*`; unset or
    empty means the origin of PUBLIC_APP_URL."""
    if raw is None or not raw.strip():
        return None
    origins = []
    for part in raw.split(","):
        origin = part.strip().rstrip("/").lower()
        if not origin:
            continue
        if origin != "*":
            try:
                valid = origin_of(origin) == origin
            except ValueError:
                valid = False
            if not valid:
                raise ValueError(
                    f"CORS_ALLOWED_ORIGINS holds {part.strip()!r}, not an origin like https://host[:port]"
                )
        origins.append(origin)
    return tuple(origins)


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    value = int(env.get(name, default))
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


def production_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """The settings of the production features, as keyword arguments of Settings."""
    origins = env.get("CORS_ALLOWED_ORIGINS")
    base = Settings()
    return {
        "cors_allowed_origins": _origins(origins),
        "app_version": env.get("APP_VERSION") or None,
        "aws_endpoint_url": env.get("AWS_ENDPOINT_URL") or None,
        "ses_feedback_queue_url": env.get("SES_FEEDBACK_QUEUE_URL") or None,
        "metrics_token": env.get("METRICS_TOKEN") or None,
        "abuse_limits": parse_flag(env.get("ABUSE_LIMITS", "on"), "ABUSE_LIMITS"),
        "signin_max_failures_per_email": _positive_int(
            env, "SIGNIN_MAX_FAILURES_PER_EMAIL", base.signin_max_failures_per_email
        ),
        "signin_max_failures_per_address": _positive_int(
            env, "SIGNIN_MAX_FAILURES_PER_ADDRESS", base.signin_max_failures_per_address
        ),
        "signin_window_seconds": _positive_int(env, "SIGNIN_WINDOW_SECONDS", base.signin_window_seconds),
        "booking_max_per_address": _positive_int(
            env, "BOOKING_MAX_PER_ADDRESS", base.booking_max_per_address
        ),
        "booking_window_seconds": _positive_int(env, "BOOKING_WINDOW_SECONDS", base.booking_window_seconds),
    }
