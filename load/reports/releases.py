"""How tight a race through an adapter was: per round, the spread of the instants its racers
released their prepared commits (the last minus the first), how far behind the round's instant
each was released, and how many first attempts missed their round's instant altogether (their
prepare outlasted it: committed at once, by no barrier)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from load.checker.operations import Operation


def _ms(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"median": None, "max": None}
    return {"median": round(statistics.median(values) * 1000, 3), "max": round(max(values) * 1000, 3)}


def release_spread(ops: Iterable[Operation]) -> dict[str, Any] | None:
    """Of a race through an adapter (the reference's Locust client books all round long, with
    no barrier); None when it committed nothing."""
    rounds: dict[float, list[float]] = defaultdict(list)
    missed = 0
    for op in ops:
        if op.kind == "book" and op.release_at is not None:
            rounds[op.release_at].append(op.start)
        elif op.kind == "book" and op.attempt == 0:  # a retry is sent by no barrier, by design
            missed += 1
    if not rounds and not missed:
        return None
    raced = [starts for starts in rounds.values() if len(starts) > 1]
    lags = [start - instant for instant, starts in rounds.items() for start in starts]
    return {
        "rounds": len(rounds),
        "racedRounds": len(raced),  # rounds where two or more racers were released together
        "racers": sum(len(starts) for starts in rounds.values()),
        "missed": missed,
        "spreadMs": _ms([max(starts) - min(starts) for starts in raced]),
        "lagMs": _ms(lags),
    }


def release_line(releases: dict[str, Any] | None) -> str | None:
    if releases is None:
        return None
    spread, lag = releases["spreadMs"], releases["lagMs"]
    return (
        f"RELEASES: {releases['racers']} commits released at {releases['rounds']} round instants "
        f"({releases['racedRounds']} with 2 or more racers); spread of the racers' releases per round: "
        f"median {spread['median']} ms, max {spread['max']} ms; behind the instant: median "
        f"{lag['median']} ms, max {lag['max']} ms; {releases['missed']} missed their round's instant "
        "(prepared too late) and were sent at once"
    )
