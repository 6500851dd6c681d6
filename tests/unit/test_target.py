"""The target description: file, environment and CLI precedence, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.target import (
    Target,
    TargetError,
    load_target_file,
    resolve_target,
    target_from_env,
    with_env_overrides,
)

EXAMPLE = {
    "baseUrl": "http://127.0.0.1:8000/",
    "admin": {"email": "a@example.com", "password": "pw"},
    "services": {"standard": "s1", "callout": "s4"},
    "databaseUrl": "postgresql://x",
}


def test_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "target.json"
    path.write_text(json.dumps(EXAMPLE))
    target = load_target_file(path)
    assert target.base_url == "http://127.0.0.1:8000"
    assert target.urls == ("http://127.0.0.1:8000",)
    assert target.has_admin
    assert target.service("callout") == "s4"
    assert target.service("workshop") is None
    assert Target.from_json(target.to_json()) == target


def test_env_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "target.json"
    path.write_text(json.dumps(EXAMPLE))
    target = target_from_env(
        {
            "HARNESS_TARGET_FILE": str(path),
            "HARNESS_ADMIN_PASSWORD": "other",
            "HARNESS_SERVICES": "workshop=s3",
        }
    )
    assert target is not None
    assert target.admin_password == "other"
    assert dict(target.services) == {"standard": "s1", "callout": "s4", "workshop": "s3"}


def test_services_as_json_in_env() -> None:
    target = target_from_env(
        {"HARNESS_BASE_URL": "https://staging.example.com", "HARNESS_SERVICES": '{"standard": "x"}'}
    )
    assert target is not None and dict(target.services) == {"standard": "x"}


def test_cli_base_url_wins_and_nothing_means_local() -> None:
    env = {"HARNESS_BASE_URL": "http://a.example", "HARNESS_ADMIN_EMAIL": "e@example.com"}
    target = resolve_target(base_url="http://b.example", env=env)
    assert target is not None
    assert (target.base_url, target.admin_email) == ("http://b.example", "e@example.com")
    assert resolve_target(env={}) is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "baseUrl"),
        ({"baseUrl": "ftp://x"}, "http"),
        ({"baseUrl": "http://x", "services": ["a"]}, "services"),
    ],
)
def test_bad_descriptions_are_clear_errors(data: dict[str, object], message: str) -> None:
    with pytest.raises(TargetError, match=message):
        Target.from_json(data)


def test_unreadable_file_is_a_target_error(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(TargetError, match=r"bad\.json is not JSON"):
        load_target_file(tmp_path / "bad.json")
    with pytest.raises(TargetError, match=r"missing\.json does not exist"):
        load_target_file(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (42, "must be a JSON object, got a number"),
        (["http://x"], "must be a JSON object, got a list"),
        ({"baseUrl": "http://x", "admin": "x"}, '"admin" must be a JSON object, got a string'),
        ({"baseUrl": "http://x", "admin": {"email": 7}}, '"admin.email" must be a string'),
        ({"baseUrl": 8000}, '"baseUrl" must be a string'),
        ({"baseUrl": "http://x", "services": {"standard": 1}}, "service ids"),
        ({"baseUrl": "http://x", "urls": "http://y"}, '"urls" must be a list'),
        ({"baseUrl": "http://x", "aws": "us-east-1"}, '"aws" must be a JSON object'),
    ],
)
def test_a_file_of_the_wrong_shape_names_the_key(tmp_path: Path, data: object, message: str) -> None:
    path = tmp_path / "target.json"
    path.write_text(json.dumps(data))
    with pytest.raises(TargetError, match=message) as raised:
        load_target_file(path)
    assert str(path) in str(raised.value)


def test_a_file_and_a_url_together_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "target.json"
    path.write_text(json.dumps(EXAMPLE))
    with pytest.raises(TargetError, match="both name the target"):
        resolve_target(base_url="http://b.example", target_file=str(path), env={})


def test_bad_services_variable_is_a_target_error() -> None:
    with pytest.raises(TargetError, match="HARNESS_SERVICES is not JSON"):
        target_from_env({"HARNESS_BASE_URL": "http://x", "HARNESS_SERVICES": "{oops"})


def test_cli_url_alone_still_takes_credentials_from_env() -> None:
    env = {
        "HARNESS_ADMIN_EMAIL": "e@example.com",
        "HARNESS_ADMIN_PASSWORD": "pw",
        "HARNESS_SERVICES": "standard=s1",
    }
    target = resolve_target(base_url="http://b.example", env=env)
    assert target is not None and target.has_admin
    assert dict(target.services) == {"standard": "s1"}


def test_aws_public_url_and_metrics_token_round_trip_and_env_overrides() -> None:
    data = {
        "baseUrl": "http://127.0.0.1:8000",
        "aws": {"endpointUrl": "http://127.0.0.1:5000", "region": "eu-west-1", "sesFromAddress": "a@b.io"},
        "publicAppUrl": "https://book.example.com",
        "metricsToken": "s3cret",
    }
    target = Target.from_json(data)
    assert (target.aws_endpoint_url, target.aws_region, target.ses_from_address) == (
        "http://127.0.0.1:5000",
        "eu-west-1",
        "a@b.io",
    )
    assert Target.from_json(target.to_json()) == target
    overridden = with_env_overrides(
        target,
        {"HARNESS_AWS_ENDPOINT_URL": "http://127.0.0.1:6000", "HARNESS_PUBLIC_APP_URL": "https://x.io"},
    )
    assert overridden.aws_endpoint_url == "http://127.0.0.1:6000"
    assert overridden.public_app_url == "https://x.io"
    with pytest.raises(TargetError):
        Target.from_json({"baseUrl": "http://127.0.0.1:8000", "aws": "nope"})


def test_the_canary_service_round_trips_and_the_environment_names_it() -> None:
    target = Target.from_json({"baseUrl": "http://127.0.0.1:8000", "canaryService": "c1"})
    assert target.canary_service == "c1"
    assert Target.from_json(target.to_json()) == target
    assert with_env_overrides(target, {"HARNESS_CANARY_SERVICE": "c2"}).canary_service == "c2"
    with pytest.raises(TargetError, match='"canaryService" must be a string'):
        Target.from_json({"baseUrl": "http://127.0.0.1:8000", "canaryService": 7})
