"""The target names its adapter: a registered name or an importable `module:Class`; anything
else is refused in one line (exit code 2) before a request is sent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from harness.adapters import REGISTERED, AdapterError, adapter_class, open_adapter
from harness.adapters import reference as reference_module
from harness.adapters.reference import ReferenceApi
from harness.exit_codes import CannotJudge
from harness.model import BookingSystem, Capability, Client, FinalState, Interval, Service, Slot, Unknown
from harness.preflight import Needs, PreflightError, preflight
from harness.target import Target, load_target_file, with_env_overrides

# Nothing listens on port 9: a request sent there would fail, so a pass proves none was sent.
DEAD = "http://127.0.0.1:9"


class _NoAnswer:
    def commit(self) -> Unknown:
        return Unknown("never sent")


class OwnSystem:
    """A team's adapter, as the registry finds it by module:Class."""

    name = "own-system"
    capabilities = frozenset({Capability.PUBLIC_BOOKING})

    def __init__(self, target: Target, options: Mapping[str, Any]) -> None:
        self.options = options
        self.closed = False

    def preflight(self) -> str:
        return f"own system answers (options {dict(self.options)})"

    def services(self) -> Mapping[str, Service]:
        return {}

    def availability(self, service_id: str, first: date, last: date) -> Sequence[Slot]:
        return []

    def prepare_booking(
        self, service_id: str, interval: Interval, client: Client, *, idempotency_key: str | None = None
    ) -> _NoAnswer:
        return _NoAnswer()

    def final_state(self, first: date, last: date) -> FinalState:
        return FinalState()

    def close(self) -> None:
        self.closed = True


class NotAnAdapter:
    def services(self) -> None: ...


class Nameless:
    """Every operation, but neither a name nor capabilities."""

    def __init__(self, target: Target, options: Mapping[str, Any]) -> None:
        self.closed = False

    services = OwnSystem.services
    availability = OwnSystem.availability
    prepare_booking = OwnSystem.prepare_booking
    final_state = OwnSystem.final_state
    close = OwnSystem.close


def target(adapter: str, **options: Any) -> Target:
    return Target(base_url=DEAD, adapter=adapter, adapter_options=options)


def test_registered_names_resolve() -> None:
    assert adapter_class("reference") is ReferenceApi
    assert REGISTERED["django-appointment"] == "harness.adapters.django_appointment:DjangoAppointment"


def test_the_reference_adapter_stays_an_example_of_a_small_adapter() -> None:
    """What a team writes for a system with a JSON API like the reference's: under 150 lines."""
    source = Path(reference_module.__file__ or "").read_text(encoding="utf-8")
    assert len(source.splitlines()) < 150


def test_module_class_resolves_and_gets_its_options() -> None:
    system = open_adapter(target(f"{__name__}:OwnSystem", seats=3))
    assert isinstance(system, OwnSystem) and isinstance(system, BookingSystem)
    assert system.options == {"seats": 3}


def test_the_reference_is_the_default_and_opens() -> None:
    system = open_adapter(Target(base_url=DEAD))
    try:
        assert isinstance(system, ReferenceApi) and system.capabilities == frozenset(Capability)
    finally:
        system.close()


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("nonsense", "unknown adapter 'nonsense': name one of ['django-appointment', 'reference']"),
        ("no_such_package.adapter:Thing", "cannot import no_such_package.adapter"),
        (f"{__name__}:Missing", f"{__name__} has no class Missing"),
        (
            f"{__name__}:NotAnAdapter",
            "is not a booking-system adapter (it lacks availability, prepare_booking",
        ),
        (f"{__name__}:target", f"{__name__} has no class target"),
        (f"{__name__}:", "unknown adapter"),
    ],
)
def test_junk_is_refused_in_one_line(name: str, line: str) -> None:
    with pytest.raises(AdapterError) as refused:
        open_adapter(target(name))
    assert isinstance(refused.value, CannotJudge)
    assert line in str(refused.value) and "\n" not in str(refused.value)


def test_an_instance_without_the_protocols_attributes_is_refused() -> None:
    class_name = f"{__name__}:Nameless"
    with pytest.raises(AdapterError, match="lacks a name or its capabilities"):
        open_adapter(target(class_name))


def test_the_target_file_and_the_environment_name_the_adapter(tmp_path: Path) -> None:
    path = tmp_path / "target.json"
    path.write_text(
        f'{{"baseUrl": "{DEAD}", "adapter": "{__name__}:OwnSystem", "adapterOptions": {{"a": 1}}}}'
    )
    read = load_target_file(path)
    assert (read.adapter, read.adapter_options) == (f"{__name__}:OwnSystem", {"a": 1})
    assert Target.from_json(read.to_json()) == read
    assert with_env_overrides(read, {"HARNESS_ADAPTER": "reference"}).adapter == "reference"
    assert Target(base_url=DEAD).adapter == "reference"
    path.write_text(f'{{"baseUrl": "{DEAD}", "adapterOptions": 3}}')
    with pytest.raises(CannotJudge, match='"adapterOptions" must be a JSON object'):
        load_target_file(path)


def test_another_adapters_preflight_is_its_own() -> None:
    """A system that is not the reference API is not refused for lacking GET /health."""
    result = preflight(target(f"{__name__}:OwnSystem", region="eu"), Needs(through_adapter=True))
    assert result.line() == (
        f"preflight ok: adapter own-system at {DEAD}: own system answers (options {{'region': 'eu'}})"
    )


def test_a_command_that_speaks_the_reference_api_refuses_another_adapter_in_one_line() -> None:
    with pytest.raises(PreflightError) as refused:
        preflight(target(f"{__name__}:OwnSystem"), Needs(any_role_of=("standard",), audit=True))
    assert str(refused.value) == (
        f"the target names the adapter '{__name__}:OwnSystem', and this command does not run through "
        "adapters yet (it speaks the reference API): run `python -m harness race --target-file F`"
    )
    with pytest.raises(AdapterError, match="unknown adapter 'nonsense'"):
        preflight(target("nonsense"))
