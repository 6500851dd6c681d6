"""Pictures of the load run for the readiness report, from Locust's CSV files: latency over time
(`locust_stats_history.csv`, the aggregated row of each interval) and the latency distribution
(`locust_stats.csv`, each request's percentiles). PNG files, drawn with matplotlib's Agg backend
(no display needed)."""

from __future__ import annotations

import csv
from pathlib import Path

PERCENTILES = ("50%", "66%", "75%", "80%", "90%", "95%", "98%", "99%", "99.9%", "99.99%", "100%")
OVER_TIME = ("50%", "95%", "99%")


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "", "N/A") else None
    except ValueError:
        return None


def latency_over_time(history_csv: Path, out: Path) -> Path | None:
    """p50/p95/p99 and users over the run; None when the file holds no measured interval."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with history_csv.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("Name") == "Aggregated"]
    if not rows:
        return None
    start = int(rows[0]["Timestamp"])
    seconds = [int(r["Timestamp"]) - start for r in rows]
    fig, axis = plt.subplots(figsize=(8, 3.6), dpi=100)
    drawn = False
    for column in OVER_TIME:
        points = [(t, v) for t, r in zip(seconds, rows, strict=True) if (v := _number(r.get(column)))]
        if points:
            axis.plot([p[0] for p in points], [p[1] for p in points], label=f"p{column.rstrip('%')}")
            drawn = True
    if not drawn:
        plt.close(fig)
        return None
    axis.set_xlabel("seconds since start")
    axis.set_ylabel("latency (ms)")
    axis.set_title("Load race: latency over time (all requests)")
    axis.grid(alpha=0.3)
    users = axis.twinx()
    users.plot(
        seconds, [_number(r.get("User Count")) or 0 for r in rows], color="grey", linestyle=":", label="users"
    )
    users.set_ylabel("users")
    lines, labels = axis.get_legend_handles_labels()
    more_lines, more_labels = users.get_legend_handles_labels()
    axis.legend(lines + more_lines, labels + more_labels, loc="upper left", fontsize="small")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def latency_distribution(stats_csv: Path, out: Path) -> Path | None:
    """Each request's latency percentiles (a cumulative distribution); None without data."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

    with stats_csv.open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if _number(r.get("Request Count"))]
    if not rows:
        return None
    fig, axis = plt.subplots(figsize=(8, 3.6), dpi=100)
    for row in rows:
        points = [(float(p.rstrip("%")), v) for p in PERCENTILES if (v := _number(row.get(p))) is not None]
        if points:
            label = f"{row.get('Type', '')} {row.get('Name', '')}".strip()
            axis.plot([v for _, v in points], [p for p, _ in points], marker=".", label=label)
    axis.set_xscale("log")
    # Plain milliseconds on the log axis (not 10^1 notation).
    axis.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    axis.xaxis.set_major_formatter(ScalarFormatter())
    axis.xaxis.set_minor_formatter(NullFormatter())
    axis.set_xlabel("latency (ms, log scale)")
    axis.set_ylabel("percentile of requests")
    axis.set_title("Load race: latency distribution")
    axis.grid(alpha=0.3)
    axis.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def load_plots(load_dir: Path, out_dir: Path) -> dict[str, Path]:
    """Both pictures of a load run's directory (those its files allow), by title."""
    made: dict[str, Path] = {}
    history = load_dir / "locust_stats_history.csv"
    stats = load_dir / "locust_stats.csv"
    out_dir.mkdir(parents=True, exist_ok=True)
    if history.exists() and (path := latency_over_time(history, out_dir / "latency-over-time.png")):
        made["Latency over time"] = path
    if stats.exists() and (path := latency_distribution(stats, out_dir / "latency-distribution.png")):
        made["Latency distribution"] = path
    return made
