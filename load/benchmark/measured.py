"""What both database baselines measure (the psycopg loop and pgbench): transactions over a
time, and each one's latency."""

from __future__ import annotations


class Measured:
    """Mixed into a baseline's result, which holds these fields."""

    connections: int
    seconds: float
    transactions: int
    latencies_ms: list[float]

    @property
    def rate(self) -> float:
        return self.transactions / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0
