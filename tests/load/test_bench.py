"""The benchmark's parts: the raw SQL baseline books for real, and the targets table judges
each scenario on the right runs (latency on the paced one, throughput at saturation)."""

from __future__ import annotations

from typing import Any

import psycopg

from load.benchmark.bench_report import targets_table
from load.benchmark.pgbench_baseline import as_pgbench, booking_script, measure_pgbench
from load.benchmark.sql_baseline import measure_sql_baseline
from reference_app.local.postgres_provider import ProvidedPostgres, scratch_database
from reference_app.migrations import migrate


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


def test_pgbench_runs_the_services_booking_transaction(pg_server: ProvidedPostgres) -> None:
    with scratch_database(pg_server.url, "bench_pgbench") as url:
        migrate(url)
        result = measure_pgbench(url, connections=4, threads=2, seconds=1.0)
        with psycopg.connect(url) as conn:
            jobs = conn.execute(
                "SELECT count(*), count(DISTINCT contact_id) FROM jobs WHERE title = 'pgbench booking'"
            ).fetchone()
            history = conn.execute("SELECT count(*) FROM job_status_history").fetchone()
            emails = conn.execute("SELECT count(*) FROM email_outbox").fetchone()
    assert result.transactions > 0 and result.rate > 0
    assert len(result.latencies_ms) == result.transactions
    assert jobs == (result.transactions, result.transactions)  # a job and a contact of its own each
    assert history == (result.transactions,)
    assert emails == (2 * result.transactions,)


def test_pgbench_script_holds_the_services_statements_with_every_parameter_bound() -> None:
    script = booking_script()
    assert "%(" not in script  # no psycopg placeholder left
    for name in ("service_with_tenant", "lock_slot_buckets", "overlapping_active_jobs", "insert_booking"):
        assert as_pgbench(name) in script
    assert "INSERT INTO email_outbox" in script and script.rstrip().endswith("\\endpipeline")


def _row(scenario: str, pace: str, p99: float, ratio: float, rps: float = 0.0) -> dict[str, Any]:
    return {
        "profile": "tuned",
        "scenario": scenario,
        "pace": pace,
        "p99Ms": p99,
        "httpToSql": ratio,
        "httpToPgbench": ratio / 2,
        "requestsPerSecond": rps,
    }


def test_targets_judge_latency_when_paced_and_throughput_when_saturated() -> None:
    rows = [
        _row("race", "paced", 40, 0.10),  # a low ratio when paced does not count against it
        _row("race", "saturated", 300, 0.90),  # nor a high p99 at saturation
        _row("mix", "paced", 150, 0.05),
        _row("mix", "saturated", 400, 0.20, rps=600),
    ]
    rows.append(_row("race", "paced", 120, 0.1))  # a second round: the worst one counts
    table = "\n".join(targets_table(rows))
    assert "| tuned | race | 120 | no | 45% | 90% | >= 35% of pgbench | yes |" in table
    assert (
        "| tuned | mix | 150 | no | 10% | 20% | capacity >= 50% of saturated req/s | not measured |" in table
    )
    capacity = [{"profile": "tuned", "users": 60, "requestsPerSecond": 280.0}]
    judged = "\n".join(targets_table(rows, capacity))
    assert "| capacity 280 req/s >= 300 (50% of 600) | no |" in judged
    capacity = [{"profile": "tuned", "users": 70, "requestsPerSecond": 310.0}]
    assert "(50% of 600) | yes |" in "\n".join(targets_table(rows, capacity))
    nothing = [{"profile": "tuned", "users": None, "requestsPerSecond": 0.0}]
    assert "| capacity >= 300 req/s: no load met the SLO | no |" in "\n".join(targets_table(rows, nothing))
