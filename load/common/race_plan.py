"""The race plan: groups of free slots that every user races for at once, one group per round.

Each group holds one slot per racing role (capacity 1, 2 and 3 in the demo: "standard",
"callout", "workshop"); no two slots of the plan overlap, so each race is for the slot's whole
capacity and no other. The master builds the plan from the public availability before the
users start and sends it to every worker, so all processes race for the same slots.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from harness.api_client import BookingApi
from harness.target import Target
from load.common.final_state import parse_instant

RACING_ROLES = ("standard", "callout", "workshop")
LOOKAHEAD_DAYS = 60
# Slots at least this far ahead stay bookable for the whole run, whatever the notice rules.
MIN_LEAD = timedelta(hours=26)


@dataclass(frozen=True)
class RaceSlot:
    role: str
    service_id: str
    start: str  # as the service wrote it, sent back verbatim
    end: str
    capacity: int

    def interval(self) -> tuple[datetime, datetime]:
        return parse_instant(self.start), parse_instant(self.end)


@dataclass(frozen=True)
class RacePlan:
    t0: float  # wall-clock start of round 0
    round_seconds: float
    groups: tuple[tuple[RaceSlot, ...], ...]

    def group_at(self, now: float) -> tuple[RaceSlot, ...]:
        """The group raced for at `now`; past the end the plan starts over (all full by then)."""
        index = max(0, int((now - self.t0) // self.round_seconds))
        return self.groups[index % len(self.groups)]

    def to_json(self) -> dict[str, object]:
        return {
            "t0": self.t0,
            "roundSeconds": self.round_seconds,
            "groups": [[s.__dict__ for s in group] for group in self.groups],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> RacePlan:
        groups = data["groups"]
        assert isinstance(groups, list)
        return cls(
            t0=float(data["t0"]),  # type: ignore[arg-type]
            round_seconds=float(data["roundSeconds"]),  # type: ignore[arg-type]
            groups=tuple(tuple(RaceSlot(**s) for s in group) for group in groups),
        )


def _overlaps(interval: tuple[datetime, datetime], taken: Sequence[tuple[datetime, datetime]]) -> bool:
    return any(interval[0] < end and start < interval[1] for start, end in taken)


def build_groups(free: Mapping[str, Sequence[RaceSlot]], rounds: int) -> list[tuple[RaceSlot, ...]]:
    """Up to `rounds` groups, one slot per role while that role has slots, none overlapping."""
    queues = {role: list(slots) for role, slots in free.items()}
    taken: list[tuple[datetime, datetime]] = []
    groups: list[tuple[RaceSlot, ...]] = []
    while len(groups) < rounds and any(queues.values()):
        group = []
        for role in sorted(queues):
            queue = queues[role]
            while queue:
                slot = queue.pop(0)
                if not _overlaps(slot.interval(), taken):
                    taken.append(slot.interval())
                    group.append(slot)
                    break
        if group:
            groups.append(tuple(group))
    return groups


def free_slots(api: BookingApi, role: str, service_id: str, now: datetime) -> list[RaceSlot]:
    """The service's slots that no one holds yet, from tomorrow on."""
    info = api.service(service_id)
    info.raise_for_status()
    capacity = int(info.json()["bookingSettings"]["maxBookingsPerSlot"])
    slots: list[RaceSlot] = []
    first = now.date() + timedelta(days=1)
    for offset in range(0, LOOKAHEAD_DAYS, 31):
        answer = api.availability(
            service_id, first + timedelta(days=offset), first + timedelta(days=offset + 30)
        )
        answer.raise_for_status()
        for slot in answer.json()["slots"]:
            if slot["remaining"] == capacity and parse_instant(slot["startTime"]) >= now + MIN_LEAD:
                slots.append(RaceSlot(role, service_id, slot["startTime"], slot["endTime"], capacity))
    return slots


def plan_race(target: Target, duration_s: float, round_seconds: float, t0: float) -> RacePlan:
    roles = [r for r in RACING_ROLES if target.service(r)]
    if not roles:
        raise ValueError(
            f"the race needs at least one of the service roles {RACING_ROLES}; the target names none"
        )
    now = datetime.now(UTC)
    with BookingApi(target.base_url, timeout=30) as api:
        free = {role: free_slots(api, role, str(target.service(role)), now) for role in roles}
    rounds = math.ceil(duration_s / round_seconds) + 2
    groups = build_groups(free, rounds)
    if not groups:
        raise ValueError("no free slot to race for in the coming weeks")
    return RacePlan(t0=t0, round_seconds=round_seconds, groups=tuple(groups))
