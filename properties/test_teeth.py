"""The machines have teeth: run against a deliberately broken service, they must find the
fault and shrink it to a short story. The fault is injected only here, in-process."""

from __future__ import annotations

import re

import pytest
from hypothesis import Phase, settings
from hypothesis.stateful import run_state_machine_as_test

import reference_app.capacity
from properties import test_capacity_machine as capacity_machine_tests
from properties import test_rule_oracle as rule_oracle
from properties.conftest import in_process_system
from properties.system import BookingSystem
from properties.test_capacity_machine import capacity_machine
from reference_app.sql import query


def _query_forgetting_pending_jobs(name: str) -> str:
    """The classic bug the seed fixed: capacity counted only scheduled and in-progress jobs."""
    sql = query(name)
    if name == "overlapping_active_jobs":
        sql = sql.replace("'scheduled', 'in-progress', 'pending-confirmation'", "'scheduled', 'in-progress'")
        assert "pending-confirmation" not in sql
    return sql


def capacity_machine_failure(system: BookingSystem) -> AssertionError:
    """The capacity machine run on a broken system until it fails, shrunk: its failure."""
    with pytest.raises(AssertionError) as caught:
        run_state_machine_as_test(
            capacity_machine(system),
            settings=settings(
                max_examples=200,
                stateful_step_count=6,
                derandomize=True,
                deadline=None,
                report_multiple_bugs=False,
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
            ),
        )
    return caught.value


def test_capacity_machine_catches_a_guard_that_ignores_pending_jobs(
    booking_system: BookingSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    if booking_system.clock is None:
        pytest.skip("the fault is injected into the in-process service; a live target cannot be broken here")
    monkeypatch.setattr(reference_app.capacity, "query", _query_forgetting_pending_jobs)
    story = "\n".join(getattr(capacity_machine_failure(booking_system), "__notes__", []))
    steps = [line for line in story.splitlines() if line.strip().startswith(("state.book", "jobs_"))]
    # Shrunk to the essence: a pending booking, then a second booking of the same hour.
    assert 2 <= len(steps) <= 4, story
    assert "pair-confirm" in story, story


def test_capacity_machine_catches_a_count_that_ignores_started_jobs(database_url: str) -> None:
    """A service that stops counting in-progress jobs offers (and books) a slot whose job is
    under way: the machine fails with the slot and the started job named."""
    with in_process_system(database_url, frozenset({"capacity_ignores_started_jobs"})) as broken:
        failure = capacity_machine_failure(broken)
        # The pinned path (book, start, complete) fails on it too, naming the job under way.
        with pytest.raises(AssertionError, match=r"occupied by \S+ \(in-progress\)"):
            capacity_machine_tests.test_a_job_under_way_holds_its_slot_until_it_is_completed(
                booking_system=broken
            )
    message = str(failure)
    story = "\n".join(getattr(failure, "__notes__", []))
    assert "state.start(" in story, story  # the move that put the job under way
    started = re.search(r"([0-9a-f-]{36}) \(in-progress\)", message)
    assert started is not None, message  # the job under way, named with its status
    assert re.search(r"^slot \S+ \d{4}-\d\d-\d\dT", message), message  # the slot, by service and time
    assert f"job {started[1]} is scheduled" in story, story
    assert "offers 1 places, the model 0" in message or "past its capacity" in message, message


def test_rule_oracle_catches_day_starts_that_ignore_dst(database_url: str) -> None:
    """The ci profile reaches every zone's DST-change days each run: a service whose slots on
    such a day are an hour off after the change fails the oracle test."""
    with in_process_system(database_url, frozenset({"rules_day_starts_ignore_dst"})) as broken:
        with pytest.raises((AssertionError, ExceptionGroup)) as caught:
            rule_oracle.test_service_agrees_with_the_oracle(
                booking_system=broken, zone_services=rule_oracle.services_per_zone(broken)
            )
    assert "201" in str(caught.value) or "not_on_slot_boundary" in str(caught.value), caught.value
