"""The target a harness suite verifies: one description for every suite.

A target comes from, in order: explicit values (CLI options), the environment, a JSON file;
with none of these, the harness starts the local reference stack itself and tears it down.
docs/reference/target-file.md documents every key; a malformed description is a TargetError
whose message is the one line a command shows (exit code 2, harness/exit_codes.py).

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
     "metricsToken": "... (optional: bearer token for GET /metrics)",
     "canaryService": "<id> (optional: the one service the watch's canary may book)",
     "adapter": "reference (default), a registered name, or an importable module:Class",
     "adapterOptions": {"...": "an object handed to the adapter as it is"}}

Environment: HARNESS_TARGET_FILE, HARNESS_ADAPTER, or HARNESS_BASE_URL with HARNESS_ADMIN_EMAIL,
HARNESS_ADMIN_PASSWORD, HARNESS_SERVICES (JSON object or role=id,role=id),
HARNESS_DATABASE_URL, HARNESS_MAILBOX_URL, HARNESS_AWS_ENDPOINT_URL, HARNESS_AWS_REGION,
HARNESS_SES_FROM_ADDRESS, HARNESS_PUBLIC_APP_URL, HARNESS_METRICS_TOKEN, HARNESS_CANARY_SERVICE.

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

from harness.exit_codes import CannotJudge


class TargetError(CannotJudge, ValueError):
    """The target description is incomplete or malformed (one line: what and how to fix it)."""


_JSON_KINDS = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}


def _kind(value: object) -> str:
    return _JSON_KINDS.get(type(value), "a number")


def _object(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise TargetError(f'"{key}" must be a JSON object, got {_kind(value)} ({value!r})')
    return value


def _text(data: Mapping[str, Any], key: str, where: str = "") -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise TargetError(f'"{where}{key}" must be a string, got {_kind(value)} ({value!r})')
    return value or None


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
    # The service the team marks for monitoring: the watch's canary books there and nowhere else.
    canary_service: str | None = None
    # The adapter that speaks to the system (harness/adapters): a registered name or module:Class.
    adapter: str = "reference"
    adapter_options: Mapping[str, Any] = field(default_factory=dict)
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
    def from_json(cls, data: object, *, local: bool = False) -> Target:
        if not isinstance(data, Mapping):
            raise TargetError(f"a target description must be a JSON object, got {_kind(data)} ({data!r:.60})")
        base_url = _text(data, "baseUrl")
        if not base_url:
            raise TargetError('the target description needs "baseUrl", e.g. "https://staging.example.com"')
        admin = _object(data, "admin")
        services = _object(data, "services")
        bad = [role for role, sid in services.items() if not isinstance(sid, str) or not sid]
        if bad:
            raise TargetError(f'"services" must map role names to service ids (strings); see {bad}')
        aws = _object(data, "aws")
        urls = data.get("urls") or ()
        if not isinstance(urls, list | tuple) or not all(isinstance(u, str) for u in urls):
            raise TargetError(f'"urls" must be a list of base URLs, got {_kind(urls)}')
        return cls(
            base_url=base_url,
            urls=tuple(urls),
            admin_email=_text(admin, "email", "admin."),
            admin_password=_text(admin, "password", "admin."),
            services=dict(services),
            database_url=_text(data, "databaseUrl"),
            mailbox_url=_text(data, "mailboxUrl"),
            aws_endpoint_url=_text(aws, "endpointUrl", "aws."),
            aws_region=_text(aws, "region", "aws."),
            ses_from_address=_text(aws, "sesFromAddress", "aws."),
            public_app_url=_text(data, "publicAppUrl"),
            metrics_token=_text(data, "metricsToken"),
            canary_service=_text(data, "canaryService"),
            adapter=_text(data, "adapter") or "reference",
            adapter_options=dict(_object(data, "adapterOptions")),
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
            "canaryService": self.canary_service,
            "adapter": self.adapter,
            "adapterOptions": dict(self.adapter_options),
        }


def load_target_file(path: str | Path) -> Target:
    """The target a JSON file describes; TargetError naming the file and the fault otherwise."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TargetError(f"target file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetError(f"cannot read target file {path}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TargetError(f"target file {path} is not JSON ({exc})") from None
    try:
        return Target.from_json(data)
    except TargetError as exc:
        raise TargetError(f"target file {path}: {exc}") from None


def _parse_services(raw: str) -> dict[str, str]:
    raw = raw.strip()
    if raw.startswith("{"):
        try:
            parsed = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise TargetError(f"HARNESS_SERVICES is not JSON ({exc})") from None
        if not isinstance(parsed, dict):
            raise TargetError("HARNESS_SERVICES must be a JSON object or role=id,role=id")
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
    public URL, metrics token, adapter) applied on top."""
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
        ("HARNESS_CANARY_SERVICE", "canary_service"),
        ("HARNESS_ADAPTER", "adapter"),
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
    if target_file and base_url:
        raise TargetError("--target-file and --base-url both name the target: give one of them")
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
    *, servers: int = 2, workers: int = 1, env: Mapping[str, str] | None = None, with_ses: bool = True
) -> Iterator[Target]:
    """Start the local reference stack (several server processes on one database; without SES,
    its emails stay queued in the outbox)."""
    from reference_app.local.stack import local_stack

    with local_stack(servers=servers, workers=workers, env=env, with_ses=with_ses) as info:
        yield Target.from_json(info.target_json(), local=True)


@contextlib.contextmanager
def harness_target(explicit: Target | None, **local_options: Any) -> Iterator[Target]:
    """The explicit target, or a local reference stack for the duration of the block."""
    if explicit is not None:
        yield explicit
    else:
        with local_reference_target(**local_options) as target:
            yield target
