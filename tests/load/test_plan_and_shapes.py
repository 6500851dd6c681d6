"""The race plan never overlaps two slots; shapes are tables read by name."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest

from load.scenarios.race_plan import (
    OFFSET,
    SAME_INSTANT,
    RacePlan,
    RaceSlot,
    build_clusters,
    build_groups,
    interleave,
)
from load.wiring.shapes import SHAPES, stage_at
from tests.load.histories import T0


def _slots(role: str, minutes: int, count: int, capacity: int) -> list[RaceSlot]:
    out = []
    for i in range(count):
        start = T0 + timedelta(minutes=minutes * i)
        end = start + timedelta(minutes=minutes)
        out.append(RaceSlot(role, f"svc-{role}", start.isoformat(), end.isoformat(), capacity))
    return out


def test_groups_take_one_slot_per_role_and_never_overlap() -> None:
    free = {"callout": _slots("callout", 30, 40, 2), "standard": _slots("standard", 60, 20, 1)}
    groups = build_groups(free, rounds=8)
    assert len(groups) == 8
    assert all(sorted(s.role for s in g) == ["callout", "standard"] for g in groups)
    intervals = sorted(s.interval() for g in groups for s in g)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(intervals))


def test_plan_rounds_follow_the_clock_and_wrap_around() -> None:
    groups = build_groups({"callout": _slots("callout", 30, 3, 2)}, rounds=3)
    plan = RacePlan(t0=100.0, round_seconds=2.0, groups=tuple(groups))
    assert plan.group_at(99.0) == groups[0]
    assert plan.group_at(103.9) == groups[1]
    assert plan.group_at(106.0) == groups[0]
    assert RacePlan.from_json(plan.to_json()) == plan


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_shape_ends_at_the_duration_and_never_exceeds_the_users(name: str) -> None:
    seen = [stage_at(name, t, 100.0, 50, 10.0) for t in range(100)]
    assert all(s is not None and 1 <= s[0] <= 50 for s in seen)
    assert stage_at(name, 100.0, 100.0, 50, 10.0) is None


def test_spike_and_ramp_tables() -> None:
    assert stage_at("spike", 40, 100, 100, 5) == (100, 50.0)
    assert stage_at("spike", 10, 100, 100, 5) == (25, 5.0)
    assert [stage_at("ramp", t, 100, 100, 5)[0] for t in (0, 30, 50, 70, 90)] == [20, 40, 60, 80, 100]  # type: ignore[index]


def _at(role: str, minutes: int, starts: list[int], capacity: int) -> list[RaceSlot]:
    return [
        RaceSlot(
            role,
            f"svc-{role}",
            (T0 + timedelta(minutes=m)).isoformat(),
            (T0 + timedelta(minutes=m + minutes)).isoformat(),
            capacity,
        )
        for m in starts
    ]


def test_shaped_groups_pair_services_and_never_overlap_each_other() -> None:
    # A 90-minute service every 90 minutes, a 30-minute one every half hour (T0 is on the hour).
    free = {
        "workshop": _at("workshop", 90, list(range(0, 900, 90)), 3),
        "callout": _at("callout", 30, list(range(0, 900, 30)), 2),
    }
    taken: list[tuple[Any, Any]] = []
    offset = build_clusters(free, OFFSET, 3, taken)
    instant = build_clusters(free, SAME_INSTANT, 3, taken)
    assert len(offset) == 3 and len(instant) == 3
    for group in offset:
        anchor, *members = group
        assert anchor.role == "workshop" and members and all(m.role == "callout" for m in members)
        a_start, a_end = anchor.interval()
        for m in members:
            start = m.interval()[0]
            assert a_start < start < a_end  # overlaps in part, never on the same instant
            assert start.hour != a_start.hour  # in a later hour of the long slot
    for group in instant:
        assert len({s.role for s in group}) == 2 and len({s.start for s in group}) == 1
    spans = sorted(
        (min(s.interval()[0] for s in g), max(s.interval()[1] for s in g)) for g in offset + instant
    )
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert {s.shape for g in offset for s in g} == {OFFSET}
    assert interleave([offset[0]], instant[:2]) == [offset[0], instant[0], instant[1]]
