"""Fault variants are off unless named AND explicitly allowed; anything else stops start-up."""

from __future__ import annotations

import pytest

from reference_app import faults
from reference_app.faults import ALLOW_VALUE, FaultConfigError, fault_env, parse_faults
from reference_app.settings import Settings


@pytest.fixture
def known_fault(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(faults.KNOWN_FAULTS, "example_fault", "breaks nothing real: a test entry")
    return "example_fault"


def test_no_faults_by_default() -> None:
    assert Settings.from_env({}).faults == frozenset()
    assert Settings.from_env({}).failpoints == frozenset()


def test_named_and_allowed_fault_is_on(known_fault: str) -> None:
    settings = Settings.from_env(fault_env(known_fault))
    assert settings.failpoints == {known_fault}


def test_named_without_allowance_refuses_to_start(known_fault: str) -> None:
    with pytest.raises(FaultConfigError, match="BOOKING_FAULTS_ALLOWED"):
        parse_faults({"BOOKING_FAULTS": known_fault})
    with pytest.raises(FaultConfigError, match="BOOKING_FAULTS_ALLOWED"):
        parse_faults({"BOOKING_FAULTS": known_fault, "BOOKING_FAULTS_ALLOWED": "yes"})


def test_unknown_fault_refuses_to_start() -> None:
    with pytest.raises(FaultConfigError, match="unknown"):
        parse_faults({"BOOKING_FAULTS": "no_such_fault", "BOOKING_FAULTS_ALLOWED": ALLOW_VALUE})
