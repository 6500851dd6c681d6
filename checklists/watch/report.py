"""The watch's report: every metric, the canary's rounds, and the verdict under the shared
exit-code contract (harness/exit_codes.py): a failed canary round is an alert (1) always; with
--gate, a broken seed target is 1 and a seed target that cannot be judged is 2."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from statistics import median
from typing import Any

from checklists.watch.canary import Round
from checklists.watch.model import Metric, Verdict, duration_text, judged
from checklists.watch.period import Period
from harness.exit_codes import NOT_JUDGED, PASSED, TARGET_FAILED


def canary_metric(rounds: list[Round]) -> Metric:
    failed = [r for r in rounds if not r.ok]
    steps: dict[str, list[tuple[bool, float]]] = {}
    for r in rounds:
        for s in r.steps:
            if not s.skipped:
                steps.setdefault(s.name, []).append((s.ok, s.seconds))
    medians = {name: median(t for _, t in seen) for name, seen in steps.items()}
    per_step = {
        name: {"availability": f"{sum(ok for ok, _ in seen)} of {len(seen)}", "medianSeconds": medians[name]}
        for name, seen in steps.items()
    }
    latencies = ", ".join(f"{n} {duration_text(t)}" for n, t in medians.items())
    return Metric(
        "canary",
        "Canary: a client's booking, end to end",
        "every round passes",
        float(len(failed)),
        f"{len(rounds) - len(failed)} of {len(rounds)} round(s) passed; median per step: {latencies}",
        judged(not failed),
        "the canary's own rounds on the monitoring service: availability, book, confirmation email, cancel",
        trend=[
            (r.started_at.isoformat(timespec="seconds"), sum(s.seconds for s in r.steps) * 1000)
            for r in rounds
        ],
        trend_unit="ms per round",
        evidence={"steps": per_step, "rounds": [r.to_json() for r in rounds]},
        why="; ".join(r.alert_line() for r in failed[:3]),
    )


@dataclass
class WatchReport:
    target: str
    period: Period
    started_at: datetime
    report_dir: Path
    metrics: list[Metric] = field(default_factory=list)
    rounds: list[Round] = field(default_factory=list)
    plots: dict[str, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # sources that could not be read, one line each

    @property
    def all_metrics(self) -> list[Metric]:
        return [*self.metrics, *([canary_metric(self.rounds)] if self.rounds else [])]

    def of(self, verdict: Verdict) -> list[Metric]:
        return [m for m in self.metrics if m.gated and m.verdict is verdict]

    @property
    def canary_failed(self) -> bool:
        return any(not r.ok for r in self.rounds)

    def exit_code(self, *, gate: bool) -> int:
        if self.canary_failed:
            return TARGET_FAILED
        if not gate:
            return PASSED
        if self.of(Verdict.BREACHED):
            return TARGET_FAILED
        return NOT_JUDGED if self.of(Verdict.CANNOT_JUDGE) else PASSED

    def lines(self) -> list[str]:
        gated = [m for m in self.metrics if m.gated]
        head = f"WATCH {self.period.text()}: {len(self.of(Verdict.MET))} of {len(gated)} seed targets met"
        if not self.metrics:
            head = f"WATCH {self.target}: the canary only, {len(self.rounds)} round(s)"
        lines = [head]
        lines += [
            f"  breached: {m.title}: {m.shown} (target {m.target}): {m.why}"
            for m in self.of(Verdict.BREACHED)
        ]
        lines += [f"  cannot judge: {m.title}: {m.why}" for m in self.of(Verdict.CANNOT_JUDGE)]
        lines += [f"  {r.alert_line()}" for r in self.rounds if not r.ok]
        if self.rounds and not self.canary_failed:
            lines.append(f"  canary: {len(self.rounds)} round(s) passed")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "period": self.period.to_json(),
            "startedAt": self.started_at.isoformat(),
            "verdict": self.lines(),
            "metrics": [m.to_json() for m in self.all_metrics],
            "problems": self.problems,
            "plots": {title: str(path) for title, path in self.plots.items()},
        }
