"""The target a harness suite verifies: one description for every suite.

A target comes from, in order: explicit values (CLI options), the environment, a JSON file;
with none of these, the harness starts the local reference stack itself and tears it down.

The JSON file (also what `python -m reference_app stack --info-file F` writes):

    {"baseUrl": "https://staging.example.com",
     "urls": ["https://staging.example.com"],
     "admin": {"email": "...", "password": "..."},
     "services": {"standard": "<id>", "consultation": "<id>", "workshop": "<id>", "callout": "<id>"},
     "databaseUrl": "postgresql://... (optional: enables database audits)",
     "mailboxUrl": "http://127.0.0.1:5000 (optional: a moto server to read sent mail from)",
     "aws": {"endpointUrl": "http://127.0.0.1:5000 (optional; unset means real AWS)",
             "region": "us-east-1", "sesFromAddress": "bookings@example.com"},
     "publicAppUrl": "https://book.example.com (the app's public origin, as in its emails)",
     "metricsToken": "... (optional: bearer token for GET /metrics)"}

Environment: HARNESS_TARGET_FILE, or HARNESS_BASE_URL with HARNESS_ADMIN_EMAIL,
HARNESS_ADMIN_PASSWORD, HARNESS_SERVICES (JSON object or role=id,role=id),
HARNESS_DATABASE_URL, HARNESS_MAILBOX_URL, HARNESS_AWS_ENDPOINT_URL, HARNESS_AWS_REGION,
HARNESS_SES_FROM_ADDRESS, HARNESS_PUBLIC_APP_URL, HARNESS_METRICS_TOKEN.

Service roles the suites look for: "standard" (instant confirmation, capacity 1),
"consultation" (requires confirmation), "workshop" (capacity > 1), "callout" (bookable at
any hour). A suite skips, with a reason, what needs a role the target does not name.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any


class TargetError(ValueError):
    """The target description is incomplete or malformed."""


@dataclass(frozen=True)
class Target:
    base_url: str
    urls: tuple[str, ...] = ()
    admin_email: str | None = None
    admin_password: str | None = None
    services: Mapping[str, str] = field(default_factory=dict)
    database_url: str | None = None
    mailbox_url: str | None = None
    # AWS as the target uses it (SES, SNS, SQS, CloudWatch): None endpoint means real AWS.
    aws_endpoint_url: str | None = None
    aws_region: str | None = None
    ses_from_address: str | None = None
    public_app_url: str | None = None
    metrics_token: str | None = None
    # True when the harness started the reference stack itself (so it may restart or
    # reconfigure it); False for a target someone else runs, such as staging.
    local: bool = False

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise TargetError(f"base URL must be http(s)://..., got {self.base_url!r}")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        urls = tuple(u.rstrip("/") for u in self.urls) or (self.base_url,)
        object.__setattr__(self, "urls", urls)

    @property
    def has_admin(self) -> bool:
        return bool(self.admin_email and self.admin_password)

    def service(self, role: str) -> str | None:
        return self.services.get(role)

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, local: bool = False) -> Target:
        if "baseUrl" not in data:
            raise TargetError("target description needs baseUrl")
        admin = data.get("admin") or {}
        services = data.get("services") or {}
        if not isinstance(services, Mapping) or not all(isinstance(v, str) for v in services.values()):
            raise TargetError("services must map role names to service ids")
        aws = data.get("aws") or {}
        if not isinstance(aws, Mapping):
            raise TargetError("aws must be an object")
        return cls(
            base_url=str(data["baseUrl"]),
            urls=tuple(data.get("urls") or ()),
            admin_email=admin.get("email"),
            admin_password=admin.get("password"),
            services=dict(services),
            database_url=data.get("databaseUrl"),
            mailbox_url=data.get("mailboxUrl"),
            aws_endpoint_url=aws.get("endpointUrl"),
            aws_region=aws.get("region"),
            ses_from_address=aws.get("sesFromAddress"),
            public_app_url=data.get("publicAppUrl"),
            metrics_token=data.get("metricsToken"),
            local=local,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "baseUrl": self.base_url,
            "urls": list(self.urls),
            "admin": {"email": self.admin_email, "password": self.admin_password},
            "services": dict(self.services),
            "databaseUrl": self.database_url,
            "mailboxUrl": self.mailbox_url,
            "aws": {
                "endpointUrl": self.aws_endpoint_url,
                "region": self.aws_region,
                "sesFromAddress": self.ses_from_address,
            },
            "publicAppUrl": self.public_app_url,
            "metricsToken": self.metrics_token,
        }


def load_target_file(path: str | Path) -> Target:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TargetError(f"cannot read target file {path}: {exc}") from exc
    return Target.from_json(data)


def _parse_services(raw: str) -> dict[str, str]:
    raw = raw.strip()
    if raw.startswith("{"):
        parsed = json.loads(raw)
        return {str(k): str(v) for k, v in parsed.items()}
    pairs = [part.split("=", 1) for part in raw.split(",") if part.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise TargetError("HARNESS_SERVICES must be JSON or role=id,role=id")
    return {role.strip(): sid.strip() for role, sid in pairs}


def target_from_env(env: Mapping[str, str] | None = None) -> Target | None:
    env = os.environ if env is None else env
    if env.get("HARNESS_TARGET_FILE"):
        target = load_target_file(env["HARNESS_TARGET_FILE"])
    elif env.get("HARNESS_BASE_URL"):
        target = Target(base_url=env["HARNESS_BASE_URL"])
    else:
        return None
    return with_env_overrides(target, env)


def with_env_overrides(target: Target, env: Mapping[str, str]) -> Target:
    """The target with the HARNESS_* variables (admin, services, database, mailbox, AWS,
    public URL, metrics token) applied on top."""
    overrides: dict[str, Any] = {}
    for key, attr in [
        ("HARNESS_ADMIN_EMAIL", "admin_email"),
        ("HARNESS_ADMIN_PASSWORD", "admin_password"),
        ("HARNESS_DATABASE_URL", "database_url"),
        ("HARNESS_MAILBOX_URL", "mailbox_url"),
        ("HARNESS_AWS_ENDPOINT_URL", "aws_endpoint_url"),
        ("HARNESS_AWS_REGION", "aws_region"),
        ("HARNESS_SES_FROM_ADDRESS", "ses_from_address"),
        ("HARNESS_PUBLIC_APP_URL", "public_app_url"),
        ("HARNESS_METRICS_TOKEN", "metrics_token"),
    ]:
        if env.get(key):
            overrides[attr] = env[key]
    if env.get("HARNESS_SERVICES"):
        overrides["services"] = {**target.services, **_parse_services(env["HARNESS_SERVICES"])}
    return replace(target, **overrides)


def resolve_target(
    *, base_url: str | None = None, target_file: str | None = None, env: Mapping[str, str] | None = None
) -> Target | None:
    """The target named by CLI options, else by the environment; None means "start one"."""
    env = os.environ if env is None else env
    if target_file:
        return with_env_overrides(load_target_file(target_file), env)
    if base_url:
        from_env = target_from_env(env)
        if from_env is not None:
            return replace(from_env, base_url=base_url, urls=())
        return with_env_overrides(Target(base_url=base_url), env)
    return target_from_env(env)


@contextlib.contextmanager
def local_reference_target(
    *, servers: int = 2, workers: int = 1, env: Mapping[str, str] | None = None
) -> Iterator[Target]:
    """Start the local reference stack (several server processes on one database)."""
    from reference_app.local.stack import local_stack

    with local_stack(servers=servers, workers=workers, env=env) as info:
        yield Target.from_json(info.target_json(), local=True)


@contextlib.contextmanager
def harness_target(explicit: Target | None, **local_options: Any) -> Iterator[Target]:
    """The explicit target, or a local reference stack for the duration of the block."""
    if explicit is not None:
        yield explicit
    else:
        with local_reference_target(**local_options) as target:
            yield target
