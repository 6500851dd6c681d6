"""Which way the load scenarios speak to a target, and what its adapter's capabilities allow:
a scenario that cannot run is "not applicable: <capability>" in one line (exit 2), a part of
the race the adapter cannot do is named in the report, never dropped silently."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from harness.adapters.django_appointment import DjangoAppointment
from harness.adapters.reference import ReferenceApi
from harness.exit_codes import CannotJudge
from harness.model import Capability
from harness.target import Target
from load.through_adapter import NotApplicable, check_applicable, dropped_parts, has_reference_client
from tests.unit.test_adapter_registry import DEAD


def django() -> DjangoAppointment:
    """The real adapter (constructing it sends nothing)."""
    return DjangoAppointment(
        DEAD, staff_member_id="1", time_zone="UTC", services={}, service_minutes={}, mail_dir="/nonexistent"
    )


@dataclass
class Lacking:
    """Any adapter's capabilities, for the checks that read nothing else."""

    capabilities: frozenset[Capability] = field(default_factory=frozenset)
    name: str = "lacking"


def test_the_mix_through_django_appointment_is_not_applicable_naming_lifecycle() -> None:
    with pytest.raises(NotApplicable) as raised:
        check_applicable(django(), "mix")
    line = str(raised.value)
    assert line.startswith("not applicable: lifecycle (django-appointment does not offer it")
    assert "\n" not in line and isinstance(raised.value, CannotJudge)


def test_the_mix_through_an_adapter_with_every_capability_is_still_not_applicable() -> None:
    """The mix has no users that speak through an adapter: never a pass for another system."""
    reference = ReferenceApi(Target(base_url=DEAD))
    try:
        with pytest.raises(NotApplicable, match=r"^not applicable: the mix speaks the reference adapter's"):
            check_applicable(reference, "mix")
        check_applicable(reference, "race")  # the race goes through any adapter
    finally:
        reference.close()


def test_the_race_needs_public_booking_the_final_state_and_a_way_to_pick_slots() -> None:
    check_applicable(django(), "race")
    every = frozenset(Capability)
    with pytest.raises(NotApplicable, match=r"^not applicable: final-state \(lacking does not offer it"):
        check_applicable(Lacking(every - {Capability.FINAL_STATE}), "race")  # type: ignore[arg-type]
    with pytest.raises(NotApplicable, match=r"^not applicable: public-booking, final-state "):
        check_applicable(Lacking(), "race")  # type: ignore[arg-type]
    with pytest.raises(NotApplicable, match=r"^not applicable: availability \(lacking neither lists"):
        check_applicable(Lacking(every - {Capability.AVAILABILITY}), "race")  # type: ignore[arg-type]


def test_the_parts_left_out_are_named_with_the_missing_capabilities() -> None:
    admin, keys = dropped_parts(django())
    assert admin.startswith("admin writers: not applicable: admin-create, admin-reschedule, lifecycle")
    assert keys.startswith("idempotent retries: not applicable: idempotency-keys")
    reference = ReferenceApi(Target(base_url=DEAD))
    try:
        (only,) = dropped_parts(reference)
    finally:
        reference.close()
    assert only.startswith(
        "admin writers: not run: staff write through the reference adapter's Locust client"
    )


def test_only_the_reference_adapter_has_the_locust_speed_client() -> None:
    assert has_reference_client(Target(base_url=DEAD))
    assert has_reference_client(Target(base_url=DEAD, adapter="harness.adapters.reference:ReferenceApi"))
    assert not has_reference_client(Target(base_url=DEAD, adapter="django-appointment"))
    assert not has_reference_client(
        Target(base_url=DEAD, adapter="tests.unit.test_adapter_registry:OwnSystem")
    )
