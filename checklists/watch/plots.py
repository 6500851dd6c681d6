"""The watch's pictures, drawn with matplotlib's Agg backend (no display needed): bookings per
day, API latency percentiles over time, email delivery rate per day, staff confirmation times
per day, and the canary's rounds. A metric without data gets no picture."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checklists.watch.model import Metric

FIGSIZE = (8, 3.2)


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _series(
    out: Path,
    title: str,
    ylabel: str,
    labels: Sequence[str],
    lines: Mapping[str, Sequence[float | None]],
    *,
    bars: bool = False,
    target: float | None = None,
) -> Path | None:
    if not any(v is not None for values in lines.values() for v in values):
        return None
    plt = _pyplot()
    fig, axis = plt.subplots(figsize=FIGSIZE, dpi=100)
    positions = list(range(len(labels)))
    for name, values in lines.items():
        shown = [(x, v) for x, v in zip(positions, values, strict=True) if v is not None]
        if bars:
            axis.bar([x for x, _ in shown], [v for _, v in shown], label=name)
        else:
            axis.plot([x for x, _ in shown], [v for _, v in shown], marker="o", label=name)
    if target is not None:
        axis.axhline(target, color="red", linestyle="--", linewidth=1, label=f"target {target:g}")
    step = max(1, len(labels) // 8)
    axis.set_xticks(
        positions[::step], [label[:16] for label in labels[::step]], fontsize="small", rotation=20
    )
    axis.set_title(title)
    axis.set_ylabel(ylabel)
    axis.grid(alpha=0.3)
    axis.legend(fontsize="small", loc="best")
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return out


def _trend(metric: Metric) -> tuple[list[str], list[float | None]]:
    return [at for at, _ in metric.trend], [value for _, value in metric.trend]


@dataclass(frozen=True)
class TrendPlot:
    """A picture of one metric's trend (a value per day, or per canary round)."""

    metric: str
    title: str  # the picture's name in the report
    file: str
    heading: str
    ylabel: str
    series: str
    bars: bool = False
    target: float | None = None


TREND_PLOTS = (
    TrendPlot("bookings", "Bookings per day", "bookings-per-day.png", "Bookings made per day",
              "bookings", "bookings", bars=True),
    TrendPlot("email-delivery", "Email delivery rate per day", "delivery-rate.png",
              "Email delivery rate per day", "% delivered", "delivered", target=95.0),
    TrendPlot("confirmation-time", "Staff confirmation time per day", "confirmation-time.png",
              "Staff confirmation response time (median per day)", "hours", "median", bars=True),
    TrendPlot("canary", "Canary rounds", "canary-rounds.png", "Canary: time per round", "ms", "round"),
)  # fmt: skip


def _latency_over_time(metric: Metric, out_dir: Path) -> Path | None:
    points = metric.evidence["overTime"]
    lines = {
        name: [p[f"{name}Seconds"] * 1000 if p[f"{name}Seconds"] is not None else None for p in points]
        for name in ("p50", "p95", "p99")
    }
    return _series(
        out_dir / "latency-percentiles.png",
        "API response time (per interval between scrapes)",
        "ms",
        [p["at"] for p in points],
        lines,
        target=500.0,
    )


def watch_plots(metrics: Sequence[Metric], out_dir: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    by_key = {m.key: m for m in metrics}
    made: dict[str, Path | None] = {}
    for plot in TREND_PLOTS:
        if (m := by_key.get(plot.metric)) and m.trend:
            labels, values = _trend(m)
            made[plot.title] = _series(
                out_dir / plot.file,
                plot.heading,
                plot.ylabel,
                labels,
                {plot.series: values},
                bars=plot.bars,
                target=plot.target,
            )
    if (m := by_key.get("response-time")) and m.evidence.get("overTime"):
        made["API latency over time"] = _latency_over_time(m, out_dir)
    return {title: path for title, path in made.items() if path is not None}
