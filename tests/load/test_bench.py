"""The benchmark's parts: the raw SQL baseline books for real, and the targets table judges
each scenario on the right runs (latency on the paced one, throughput at saturation)."""

from __future__ import annotations

from typing import Any

import psycopg

from load.bench import targets_table
from load.sql_baseline import measure_sql_baseline
from reference_app.migrations import migrate
from reference_app.postgres_provider import ProvidedPostgres, scratch_database


def test_sql_baseline_books_one_job_per_transaction_over_several_processes(
    pg_server: ProvidedPostgres,
) -> None:
    with scratch_database(pg_server.url, "bench_baseline") as url:
        migrate(url)
        baseline = measure_sql_baseline(url, connections=4, seconds=1.0, processes=2)
        with psycopg.connect(url) as conn:
            jobs = conn.execute("SELECT count(*), count(DISTINCT start_time) FROM jobs").fetchone()
            emails = conn.execute("SELECT count(*) FROM email_outbox").fetchone()
    assert baseline.processes == 2
    assert baseline.transactions > 0
    assert jobs == (baseline.transactions, baseline.transactions)  # each its own slot
    assert emails == (baseline.transactions,)
    assert len(baseline.latencies_ms) == baseline.transactions
    assert baseline.rate > 0


def _row(scenario: str, pace: str, p99: float, ratio: float) -> dict[str, Any]:
    return {"profile": "tuned", "scenario": scenario, "pace": pace, "p99Ms": p99, "httpToSql": ratio}


def test_targets_judge_latency_when_paced_and_throughput_when_saturated() -> None:
    rows = [
        _row("race", "paced", 40, 0.10),  # a low ratio when paced does not count against it
        _row("race", "saturated", 300, 0.90),  # nor a high p99 at saturation
        _row("mix", "paced", 150, 0.05),
        _row("mix", "saturated", 400, 0.20),
    ]
    rows.append(_row("race", "paced", 120, 0.1))  # a second round: the worst one counts
    table = "\n".join(targets_table(rows))
    assert "| tuned | race | 120 | no | 90% | yes |" in table
    assert "| tuned | mix | 150 | no | 20% | no |" in table
