"""Find sets of jobs that held more places at once than the capacity allows.

The guard admits a job only while fewer than its service's capacity of active jobs overlap
it. So any set Q of jobs active together over one instant of the calendar must satisfy
|Q| <= max(capacity of Q): the last one admitted saw all the others. A set breaks that
exactly when, for some capacity c among them, more than c of them have capacity <= c.
Capacities differ between services (one business, one calendar), hence the threshold form.

Jobs may also carry a window of real time in which they were certainly active (from the
acknowledgement of their booking to the first attempt to cancel them): then only jobs whose
windows overlap count together, which catches an overbooking that a cancellation later hid.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Occupancy:
    job_id: str
    start: datetime
    end: datetime
    capacity: int
    held_from: float = -math.inf
    held_until: float = math.inf


@dataclass(frozen=True)
class Overbooking:
    start: datetime  # the calendar interval all the jobs share
    end: datetime
    capacity: int
    job_ids: tuple[str, ...]
    at: float | None = None  # a real-time instant they were all active, when known


def _overlap_groups(occupancies: Iterable[Occupancy]) -> Iterator[list[Occupancy]]:
    """Connected groups of jobs whose calendar intervals overlap; only these interact."""
    group: list[Occupancy] = []
    group_end: datetime | None = None
    for occ in sorted(occupancies, key=lambda o: (o.start, o.end, o.job_id)):
        if group and group_end is not None and occ.start >= group_end:
            yield group
            group = []
        group.append(occ)
        group_end = occ.end if group_end is None or len(group) == 1 else max(group_end, occ.end)
    if group:
        yield group


def _breach(together: list[Occupancy]) -> tuple[int, list[Occupancy]] | None:
    for cap in sorted({o.capacity for o in together}):
        within = [o for o in together if o.capacity <= cap]
        if len(within) > cap:
            return cap, within
    return None


def find_overbookings(occupancies: Iterable[Occupancy]) -> list[Overbooking]:
    found: dict[frozenset[str], Overbooking] = {}
    for group in _overlap_groups(occupancies):
        if len(group) < 2:
            continue
        instants = sorted({o.held_from for o in group})
        for point in sorted({o.start for o in group}):
            on_point = [o for o in group if o.start <= point < o.end]
            for instant in instants:
                together = [o for o in on_point if o.held_from <= instant < o.held_until]
                breach = _breach(together)
                if breach is None:
                    continue
                cap, jobs = breach
                ids = frozenset(o.job_id for o in jobs)
                if ids not in found:
                    found[ids] = Overbooking(
                        start=max(o.start for o in jobs),
                        end=min(o.end for o in jobs),
                        capacity=cap,
                        job_ids=tuple(sorted(ids)),
                        at=None if math.isinf(instant) else instant,
                    )
    # Report each breach once: drop sets contained in a larger breach.
    keys = sorted(found, key=len, reverse=True)
    kept: list[frozenset[str]] = []
    for key in keys:
        if not any(key < other for other in kept):
            kept.append(key)
    return sorted((found[k] for k in kept), key=lambda b: (b.start, b.job_ids))
