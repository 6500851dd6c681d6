"""The race plan: groups of free slots that every user races for at once, one group per round.

Rounds take turns between three shapes of overlap on one business's calendar:
- same-slot: one slot per racing role, no two overlapping, so each race is for one slot's
  whole capacity (capacity 1, 2 and 3 in the demo: "standard", "callout", "workshop");
- same-instant: slots of different services starting at one instant (capacity 1 and more,
  instant and confirmation-required), so the capacity is shared across services;
- offset: a long slot and slots of other services that overlap it only in part (a 90-minute
  workshop from 10:00 against a call-out from 11:00, an hour against a half hour from :30).
No two groups overlap, so every race is its own. Admin writers race inside the current group's
span as well (see load/scenarios/race.py). The master builds the plan from the free slots the
target's adapter lists (or proposes) before the users start and sends it to every worker, so all
processes race for the same slots. Round k is raced from t0 + k x round_seconds: racers through
an adapter release their prepared commits together at that instant (`release_at`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from harness.model import BookingSystem, Capability, Interval, ProposesSlots, Service, Slot
from load.checker.final_state import parse_instant

RACING_ROLES = ("standard", "consultation", "callout", "workshop")
SAME_SLOT, SAME_INSTANT, OFFSET = "same-slot", "same-instant", "offset"
SHAPE_TURNS = (SAME_SLOT, SAME_INSTANT, OFFSET)
LOOKAHEAD_DAYS = 60
CHUNK_DAYS = 14  # free slots are looked up a fortnight at a time, until the plan has enough
# Slots at least this far ahead stay bookable for the whole run, whatever the notice rules.
MIN_LEAD = timedelta(hours=26)


@dataclass(frozen=True)
class RaceSlot:
    role: str
    service_id: str
    start: str  # ISO 8601 in UTC, as its adapter read it
    end: str
    capacity: int
    shape: str = SAME_SLOT
    confirm: bool = False  # the service needs confirmation: its bookings start pending

    def interval(self) -> tuple[datetime, datetime]:
        return parse_instant(self.start), parse_instant(self.end)

    def model_interval(self) -> Interval:
        return Interval(*self.interval())


def span(group: Sequence[RaceSlot]) -> tuple[str, str]:
    """The group's whole stretch of calendar, as the service wrote its ends."""
    first = min(group, key=lambda s: s.interval()[0])
    last = max(group, key=lambda s: s.interval()[1])
    return first.start, last.end


@dataclass(frozen=True)
class RacePlan:
    t0: float  # wall-clock start of round 0
    round_seconds: float
    groups: tuple[tuple[RaceSlot, ...], ...]

    def round_at(self, now: float) -> int:
        """The index of the group raced for at `now`; past the end the plan starts over."""
        return max(0, int((now - self.t0) // self.round_seconds)) % len(self.groups)

    def group_at(self, now: float) -> tuple[RaceSlot, ...]:
        """The group raced for at `now`; past the end the plan starts over (all full by then)."""
        return self.groups[self.round_at(now)]

    def next_release(self, after: float) -> tuple[float, tuple[RaceSlot, ...]]:
        """The first round starting at or after `after`: the instant its racers release their
        commits together, and its group (past the end the plan starts over)."""
        number = max(0, math.ceil((after - self.t0) / self.round_seconds))
        return self.t0 + number * self.round_seconds, self.groups[number % len(self.groups)]

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


def build_groups(
    free: Mapping[str, Sequence[RaceSlot]], rounds: int, taken: list[tuple[datetime, datetime]] | None = None
) -> list[tuple[RaceSlot, ...]]:
    """Up to `rounds` same-slot groups, one slot per role while that role has slots, none
    overlapping each other or the intervals already `taken` (which grows)."""
    queues = {role: list(slots) for role, slots in free.items()}
    taken = [] if taken is None else taken
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


def _hour(instant: datetime) -> int:
    return int(instant.timestamp() // 3600)


def _members(anchor: RaceSlot, others: Sequence[RaceSlot], shape: str) -> list[RaceSlot]:
    """Other services' slots racing against the anchor: on its instant, or overlapping it in
    part (those starting in a later hour first, so an interval's later hours are raced too)."""
    a_start, a_end = anchor.interval()
    if shape == SAME_INSTANT:
        return [s for s in others if s.interval()[0] == a_start][:1]
    partial = [
        s for s in others if s.interval()[0] != a_start and _overlaps(s.interval(), [(a_start, a_end)])
    ]
    # Those starting in a later hour than the anchor race the anchor's later hours, which a
    # guard locking too little of an interval misses; same-hour ones only when there are none.
    later = [s for s in partial if _hour(s.interval()[0]) != _hour(a_start)]
    return (later or partial)[:2]


def build_clusters(
    free: Mapping[str, Sequence[RaceSlot]], shape: str, count: int, taken: list[tuple[datetime, datetime]]
) -> list[tuple[RaceSlot, ...]]:
    """Up to `count` groups of the shape (same-instant or offset), each an anchor slot and other
    services' slots against it, clear of everything `taken` (which grows). Anchors take turns
    between roles, longest services first, so every pairing of services gets raced; offset
    groups are anchored on services longer than an hour for two thirds of them, as only those
    overlap other services across an hour boundary."""
    anchors = {role: iter(slots) for role, slots in free.items() if slots}
    order = sorted(anchors, key=lambda r: -_length(free[r][0]))
    clusters: list[tuple[RaceSlot, ...]] = []
    if shape == OFFSET:
        long_roles = [r for r in order if _length(free[r][0]) > timedelta(hours=1)]
        _take_clusters(free, shape, long_roles, anchors, math.ceil(count * 2 / 3), taken, clusters)
    _take_clusters(free, shape, order, anchors, count, taken, clusters)
    return clusters


def _take_clusters(
    free: Mapping[str, Sequence[RaceSlot]],
    shape: str,
    roles: Sequence[str],
    anchors: Mapping[str, Iterator[RaceSlot]],
    count: int,
    taken: list[tuple[datetime, datetime]],
    clusters: list[tuple[RaceSlot, ...]],
) -> None:
    exhausted: set[str] = set()
    while len(clusters) < count and len(exhausted) < len(roles):
        for role in roles:
            for anchor in anchors[role]:
                members = [
                    m
                    for other, slots in free.items()
                    if other != role
                    for m in _members(anchor, slots, shape)
                ]
                group = tuple(replace(s, shape=shape) for s in (anchor, *members))
                whole = (min(s.interval()[0] for s in group), max(s.interval()[1] for s in group))
                if members and not _overlaps(whole, taken):
                    taken.append(whole)
                    clusters.append(group)
                    break
            else:
                exhausted.add(role)
            if len(clusters) >= count:
                return


def _length(slot: RaceSlot) -> timedelta:
    start, end = slot.interval()
    return end - start


def interleave(*lists: Sequence[tuple[RaceSlot, ...]]) -> list[tuple[RaceSlot, ...]]:
    """Round after round, one group of each shape in turn (while each shape has groups left)."""
    out: list[tuple[RaceSlot, ...]] = []
    for index in range(max((len(groups) for groups in lists), default=0)):
        out.extend(groups[index] for groups in lists if index < len(groups))
    return out


def _offered(system: BookingSystem, service_id: str, first: date, last: date) -> Sequence[Slot]:
    if Capability.AVAILABILITY in system.capabilities:
        return system.availability(service_id, first, last)
    if isinstance(system, ProposesSlots):
        return system.candidate_slots(service_id, first, last)
    raise ValueError(
        f"{system.name} neither lists availability nor proposes slots (candidate_slots): the race "
        "cannot pick a slot"
    )


def free_slots(
    system: BookingSystem, role: str, service: Service, now: datetime, wanted: int
) -> list[RaceSlot]:
    """The service's slots no one holds yet, from tomorrow on, a fortnight at a time until
    `wanted` are found (or the look-ahead ends)."""
    slots: list[RaceSlot] = []
    first = now.date() + timedelta(days=1)
    for offset in range(0, LOOKAHEAD_DAYS, CHUNK_DAYS):
        last = first + timedelta(days=min(offset + CHUNK_DAYS, LOOKAHEAD_DAYS) - 1)
        for slot in _offered(system, service.id, first + timedelta(days=offset), last):
            whole = slot.remaining is None or slot.remaining >= service.capacity
            if whole and slot.interval.start >= now + MIN_LEAD:
                start, end = (t.astimezone(UTC).isoformat() for t in (slot.interval.start, slot.interval.end))
                slots.append(
                    RaceSlot(
                        role, service.id, start, end, service.capacity, confirm=service.requires_confirmation
                    )
                )
        if len(slots) >= wanted:
            break
    return slots


def plan_race(system: BookingSystem, duration_s: float, round_seconds: float, t0: float) -> RacePlan:
    """The plan from the services the target names by role, through its adapter."""
    services = system.services()
    roles = [r for r in RACING_ROLES if r in services]
    if not roles:
        raise ValueError(
            f"the race needs at least one of the service roles {RACING_ROLES}; the target names none"
        )
    now = datetime.now(UTC)
    rounds = math.ceil(duration_s / round_seconds) + 2
    # Enough for every round to take a slot of each role, in each shape, with room to skip.
    wanted = 4 * rounds
    free = {role: free_slots(system, role, services[role], now, wanted) for role in roles}
    per_shape = math.ceil(rounds / len(SHAPE_TURNS))
    taken: list[tuple[datetime, datetime]] = []
    # The shaped groups first: they need particular pairings of services, same-slot ones do not.
    offset = build_clusters(free, OFFSET, per_shape, taken)  # the pickiest: long anchors are few
    instant = build_clusters(free, SAME_INSTANT, per_shape, taken)
    groups = interleave(build_groups(free, per_shape, taken), instant, offset)
    if not groups:
        raise ValueError("no free slot to race for in the coming weeks")
    return RacePlan(t0=t0, round_seconds=round_seconds, groups=tuple(groups))
