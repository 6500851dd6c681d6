"""Load shapes as tables, chosen by name with --shape (steady, ramp, spike, soak).

A stage lasts until a fraction of the run's duration (-t/--run-time) and holds a fraction of
the users (-u) started at a multiple of the spawn rate (-r). `load/wiring/table_shape.py` is
the LoadTestShape that plays the table named by --shape. Plain data, no Locust import, so the
tables can be tested without Locust's monkey-patching.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    until: float  # fraction of the duration at which the stage ends
    users: float  # fraction of -u
    spawn: float = 1.0  # multiple of -r


SHAPES: dict[str, tuple[Stage, ...]] = {
    "steady": (Stage(1.0, 1.0),),
    "ramp": (Stage(0.2, 0.2), Stage(0.4, 0.4), Stage(0.6, 0.6), Stage(0.8, 0.8), Stage(1.0, 1.0)),
    "spike": (Stage(0.3, 0.25), Stage(0.6, 1.0, spawn=10.0), Stage(1.0, 0.25, spawn=10.0)),
    "soak": (Stage(0.05, 0.5), Stage(1.0, 0.8)),
}


def stage_at(
    name: str, elapsed: float, duration: float, users: int, spawn_rate: float
) -> tuple[int, float] | None:
    """Users and spawn rate `elapsed` seconds into the run; None once the table is over."""
    for stage in SHAPES[name]:
        if elapsed < stage.until * duration:
            return max(1, round(stage.users * users)), max(0.1, stage.spawn * spawn_rate)
    return None
