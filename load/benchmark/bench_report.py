"""The benchmark's Markdown: every run, the database's limit twice (the psycopg loop and
pgbench), the mix's capacity at the SLO when measured, and the targets judged on the worst
round of each."""

from __future__ import annotations

from typing import Any

P99_LIMIT_MS = 100
RACE_SHARE_OF_PGBENCH = 0.35
MIX_CAPACITY_SHARE = 0.5


def _scenario_lines(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| round | profile | scenario | pace | load avg | users | think ms | requests/s | booking req/s "
        "| booked/s | p50 ms | p95 ms | p99 ms | booking p99 ms | HTTP/SQL | HTTP/pgbench "
        "| 31-day look-up p50/p95 ms | gates |",
        "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        month = f"{r['month31dP50Ms']:g} / {r['month31dP95Ms']:g}" if r["month31dP50Ms"] is not None else "—"
        pgbench = f"{r['httpToPgbench']:.0%}" if r.get("httpToPgbench") is not None else "—"
        lines.append(
            f"| {r['round']} | {r['profile']} | {r['scenario']} | {r['pace']} | {r['loadAverage']} | "
            f"{r['users']} | {r['thinkTimeMs']:g} | {r.get('requestsPerSecond', '—')} | "
            f"{r['bookingRequestsPerSecond']} | {r['acknowledgedPerSecond']} | "
            f"{r['p50Ms']:g} | {r['p95Ms']:g} | {r['p99Ms']:g} | {r['bookingP99Ms']:g} | "
            f"{r['httpToSql']:.0%} | {pgbench} | {month} | {'pass' if r['passed'] else 'FAIL'} |"
        )
    return lines


def _limit_lines(sql_rows: list[dict[str, Any]], pgbench_rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "The database's limit: the service's booking transaction with no HTTP, each its own slot.",
        "",
        "| round | profile | client | connections | client processes | transactions/s "
        "| p50 ms | p95 ms | p99 ms |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in sql_rows:
        lines.append(
            f"| {s['round']} | {s['profile']} | psycopg | {s['connections']} | {s['processes']} | "
            f"{s['rate']} | {s['p50Ms']} | {s['p95Ms']} | {s['p99Ms']} |"
        )
    for s in pgbench_rows:
        lines.append(
            f"| {s['round']} | {s['profile']} | pgbench | {s['connections']} | {s['threads']} threads | "
            f"{s['rate']} | {s['p50Ms']} | {s['p95Ms']} | {s['p99Ms']} |"
        )
    return lines


def _capacity_lines(capacity_rows: list[dict[str, Any]]) -> list[str]:
    if not capacity_rows:
        return []
    lines = [
        "",
        "Mix capacity at the SLO (`python -m load capacity --scenario mix`, one stack per search):",
        "",
        "| round | profile | SLO | users | requests/s | bookings/s | p99 ms | steps |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for c in capacity_rows:
        users = f"{'>= ' if c['atLeast'] else ''}{c['users']}" if c["users"] is not None else "none"
        lines.append(
            f"| {c['round']} | {c['profile']} | `{c['slo']}` | {users} | {c['requestsPerSecond']} | "
            f"{c['bookingsPerSecond']} | {c['p99Ms'] if c['p99Ms'] is not None else '—'} | {c['steps']} |"
        )
    return lines


def targets_table(rows: list[dict[str, Any]], capacity_rows: list[dict[str, Any]] | None = None) -> list[str]:
    """The performance targets per profile and scenario, each judged on its worst round:
    p99 < 100 ms on the paced runs; the saturated race's booking requests/s at least 35 % of
    the pgbench rate; the mix's capacity at the SLO at least half its saturated throughput."""
    lines = [
        f"Targets (2 cores, everything on one machine), worst round shown: paced p99 < {P99_LIMIT_MS} ms; "
        f"race booking req/s >= {RACE_SHARE_OF_PGBENCH:.0%} of pgbench at saturation; "
        f"mix capacity at p99 < {P99_LIMIT_MS} ms >= {MIX_CAPACITY_SHARE:.0%} of its saturated requests/s.",
        "",
        "| profile | scenario | paced p99 ms | p99 < 100 ms | saturated HTTP/pgbench | saturated HTTP/SQL "
        "| throughput target | met |",
        "|---|---|---:|---|---:|---:|---|---|",
    ]
    capacity_rows = capacity_rows or []
    for profile, scenario in dict.fromkeys((r["profile"], r["scenario"]) for r in rows):
        mine = [r for r in rows if r["profile"] == profile and r["scenario"] == scenario]
        paced = [r["p99Ms"] for r in mine if r["pace"] == "paced"]
        saturated = [r for r in mine if r["pace"] == "saturated"]
        to_pgbench = [r["httpToPgbench"] for r in saturated if r.get("httpToPgbench") is not None]
        to_sql = [r["httpToSql"] for r in saturated]
        p99 = f"{max(paced):g}" if paced else "—"
        p99_ok = ("yes" if max(paced) < P99_LIMIT_MS else "no") if paced else "—"
        if scenario == "race":
            goal = f">= {RACE_SHARE_OF_PGBENCH:.0%} of pgbench"
            met = ("yes" if min(to_pgbench) >= RACE_SHARE_OF_PGBENCH else "no") if to_pgbench else "—"
        else:
            goal, met = _mix_capacity_target(profile, saturated, capacity_rows)
        pgbench_share = f"{min(to_pgbench):.0%}" if to_pgbench else "—"
        sql_share = f"{min(to_sql):.0%}" if to_sql else "—"
        lines.append(
            f"| {profile} | {scenario} | {p99} | {p99_ok} | {pgbench_share} | {sql_share} | {goal} | {met} |"
        )
    return lines


def _mix_capacity_target(
    profile: str, saturated: list[dict[str, Any]], capacity_rows: list[dict[str, Any]]
) -> tuple[str, str]:
    found = [c for c in capacity_rows if c["profile"] == profile]
    throughput = [r["requestsPerSecond"] for r in saturated if r.get("requestsPerSecond")]
    if not found or not throughput:
        return f"capacity >= {MIX_CAPACITY_SHARE:.0%} of saturated req/s", "not measured"
    worst = min(float(c["requestsPerSecond"] or 0) for c in found)
    need = MIX_CAPACITY_SHARE * max(throughput)
    if any(c.get("users") is None for c in found):
        return f"capacity >= {need:.0f} req/s: no load met the SLO", "no"
    return (
        f"capacity {worst:g} req/s >= {need:.0f} ({MIX_CAPACITY_SHARE:.0%} of {max(throughput):g})",
        "yes" if worst >= need else "no",
    )


def bench_markdown(
    rows: list[dict[str, Any]],
    sql_rows: list[dict[str, Any]],
    pgbench_rows: list[dict[str, Any]],
    meta: dict[str, Any],
    capacity_rows: list[dict[str, Any]] | None = None,
) -> str:
    lines = [
        f"# Benchmark {meta['date']}",
        "",
        f"Machine: {meta['machine']}. Generator (Locust), service and database on the same machine;",
        "load avg is the machine's 1-minute load average as each run started (other work included).",
        "",
        *_scenario_lines(rows),
        "",
        *_limit_lines(sql_rows, pgbench_rows),
        *_capacity_lines(capacity_rows or []),
        "",
        *targets_table(rows, capacity_rows),
        "",
        "Profiles:",
        "",
    ]
    lines += [f"- {p['name']}: {p['description']}" for p in meta["profiles"]]
    return "\n".join(lines) + "\n"
