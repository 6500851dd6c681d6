"""The capacity search's outputs: the per-step table (Markdown and JSON) and a plot of latency
percentiles against offered load, the SLO's latency limits drawn across it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from load.benchmark.capacity_search import CapacitySearch, Measurement


def step_row(search: CapacitySearch, m: Measurement) -> dict[str, Any]:
    return {
        "users": m.users,
        "requestsPerSecond": round(m.requests_per_s, 1),
        "bookingsPerSecond": round(m.bookings_per_s, 1),
        "p50Ms": m.p50_ms,
        "p95Ms": m.p95_ms,
        "p99Ms": m.p99_ms,
        "failureRatio": round(m.failure_ratio, 4),
        "auditOk": m.audit_ok,
        "metSlo": search.slo.met(m),
        "breaches": search.slo.breaches(m),
        **m.details,
    }


def capacity_json(search: CapacitySearch, meta: dict[str, Any]) -> dict[str, Any]:
    best = search.capacity()
    return {
        **meta,
        "slo": str(search.slo),
        "maxUsers": search.max_users,
        "capacity": step_row(search, best) if best else None,
        "atLeast": search.ceiling_reached(),
        "steps": [step_row(search, m) for m in search.steps],
    }


def _users(count: int) -> str:
    return f"{count} user" if count == 1 else f"{count} users"


def headline(search: CapacitySearch) -> str:
    best = search.capacity()
    if best is None:
        fewest = min(m.users for m in search.steps)
        return f"CAPACITY: none: not even {_users(fewest)} met {search.slo}"
    bound = "at least " if search.ceiling_reached() else ""
    ceiling = f" (the ceiling, --max-users {search.max_users})" if search.ceiling_reached() else ""
    return (
        f"CAPACITY at {search.slo}: {bound}{_users(best.users)}{ceiling}, "
        f"{best.requests_per_s:.1f} requests/s, {best.bookings_per_s:.1f} bookings/s "
        f"(p50 {best.p50_ms:g} ms, p95 {best.p95_ms:g} ms, p99 {best.p99_ms:g} ms, "
        f"failures {best.failure_ratio:.2%})"
    )


def capacity_markdown(search: CapacitySearch, meta: dict[str, Any]) -> str:
    lines = [
        f"# Capacity search: {meta['scenario']}, {meta['date']}",
        "",
        f"Target: {meta['target']}. SLO: `{search.slo}` (and the audit passes). "
        f"Steps of {meta['stepSeconds']:g} s, in the order run; ceiling {search.max_users} users.",
        "",
        headline(search),
        "",
        "| step | users | load avg | requests/s | bookings/s | p50 ms | p95 ms | p99 ms | failures | audit "
        "| SLO |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for index, m in enumerate(search.steps, 1):
        breaches = search.slo.breaches(m)
        lines.append(
            f"| {index} | {m.users} | {m.details.get('loadAverage', '')} | {m.requests_per_s:.1f} | "
            f"{m.bookings_per_s:.1f} | {m.p50_ms:g} | {m.p95_ms:g} | {m.p99_ms:g} | "
            f"{m.failure_ratio:.2%} | {'pass' if m.audit_ok else 'FAIL'} | "
            f"{'met' if not breaches else 'broken: ' + '; '.join(breaches)} |"
        )
    lines += ["", f"Plot: `{meta['plot']}`" if meta.get("plot") else "Plot: not drawn"]
    return "\n".join(lines) + "\n"


def plot_capacity(search: CapacitySearch, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    import matplotlib.pyplot as plt

    steps = sorted(search.steps, key=lambda m: m.users)
    users = [m.users for m in steps]
    fig, ax = plt.subplots(figsize=(8, 5))
    for name, values in (
        ("p50", [m.p50_ms for m in steps]),
        ("p95", [m.p95_ms for m in steps]),
        ("p99", [m.p99_ms for m in steps]),
    ):
        ax.plot(users, values, marker="o", label=name)
    for term in search.slo.terms:
        if term.metric != "fail":
            ax.axhline(term.limit, linestyle="--", color="grey", label=f"SLO {term}")
    broken = [m for m in steps if not search.slo.met(m)]
    if broken:
        ax.scatter(
            [m.users for m in broken], [m.p99_ms for m in broken], color="red", zorder=5, label="SLO broken"
        )
    best = search.capacity()
    if best is not None:
        ax.axvline(best.users, color="green", linestyle=":", label=f"capacity {best.users} users")
    ax.set_xlabel("offered load (users)")
    ax.set_ylabel("latency (ms, log scale)")
    ax.set_yscale("log")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")
    top = ax.secondary_xaxis("top", functions=(lambda u: u, lambda u: u))
    top.set_xticks(users, [f"{m.requests_per_s:.0f}" for m in steps], fontsize="x-small")
    top.set_xlabel("requests/s served")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_capacity(search: CapacitySearch, out: Path, meta: dict[str, Any]) -> str:
    out.mkdir(parents=True, exist_ok=True)
    plot = out / "capacity.png"
    if search.steps:
        plot_capacity(search, plot, f"{meta['scenario']}: latency against offered load")
        meta = {**meta, "plot": str(plot)}
    (out / "capacity.json").write_text(json.dumps(capacity_json(search, meta), indent=2) + "\n")
    table = capacity_markdown(search, meta)
    (out / "capacity.md").write_text(table)
    return table
