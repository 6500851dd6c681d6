"""Page timings read in the browser (Navigation Timing, LCP and CLS from PerformanceObserver,
submit-to-confirmation), CDP throttling, the budget file and the figures written to the report."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

BUDGET_FILE = Path(__file__).resolve().parent / "performance_budget.json"

# Chrome DevTools' "Slow 3G" preset (400 ms latency, 400 kbit/s each way) and a 4x slower CPU.
SLOW_NETWORK = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1024 / 8,
    "uploadThroughput": 400 * 1024 / 8,
}
CPU_SLOWDOWN = 4

# Buffered observers hand over what happened before they were created; the short wait lets
# their first callbacks run.
READ_TIMINGS_JS = """
() => new Promise((resolve) => {
  const nav = performance.getEntriesByType('navigation')[0];
  const out = {
    ttfbMs: nav.responseStart, domContentLoadedMs: nav.domContentLoadedEventEnd,
    loadMs: nav.loadEventEnd, lcpMs: null, cls: 0,
  };
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) out.lcpMs = Math.max(out.lcpMs || 0, entry.startTime);
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (!entry.hadRecentInput) out.cls += entry.value;
    }).observe({ type: 'layout-shift', buffered: true });
  } catch (error) { /* an engine without these entry types reports null / 0 */ }
  setTimeout(() => resolve(out), 100);
})
"""

# Marks the submit and the moment the confirmation is shown, in the page's own clock.
WATCH_SUBMIT_JS = """
() => {
  const form = document.querySelector('[data-testid=booking-form]');
  const confirmation = document.querySelector('[data-testid=booking-confirmation]');
  window.__submittedAt = null;
  window.__confirmedAt = null;
  form.addEventListener('submit', () => { window.__submittedAt ??= performance.now(); }, { capture: true });
  new MutationObserver(() => {
    if (!confirmation.hidden && window.__confirmedAt === null) window.__confirmedAt = performance.now();
  }).observe(confirmation, { attributes: true, attributeFilter: ['hidden'] });
}
"""


def load_budget(path: Path = BUDGET_FILE) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8")))


def read_timings(page: Page) -> dict[str, float | None]:
    page.wait_for_load_state("load")
    return dict(page.evaluate(READ_TIMINGS_JS))


def watch_submit(page: Page) -> None:
    page.evaluate(WATCH_SUBMIT_JS)


def submit_to_confirmation_ms(page: Page) -> float:
    value = page.evaluate("() => window.__confirmedAt - window.__submittedAt")
    return float(value)


def throttle(page: Page) -> None:
    """CDP throttling (Chromium only): a slow-3G-like network and a 4x slower CPU."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def over_budget(figures: dict[str, float | None], budget: dict[str, float]) -> list[str]:
    return [
        f"{name} {figures[name]:.1f} > {limit}"
        for name, limit in budget.items()
        if figures.get(name) is not None and float(figures[name] or 0) > limit
    ]


@dataclass
class PerformanceReport:
    """Every figure the suite measured, written next to the run's summary."""

    figures: list[dict[str, Any]] = field(default_factory=list)

    def add(self, page: str, condition: str, measured: dict[str, Any], budget: dict[str, Any]) -> None:
        self.figures.append({"page": page, "condition": condition, "measured": measured, "budget": budget})

    def write(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "performance.json").write_text(json.dumps(self.figures, indent=2) + "\n", encoding="utf-8")
        lines = [
            "# Page performance",
            "",
            "| page | condition | figure | measured | budget |",
            "|---|---|---|---|---|",
        ]
        for entry in self.figures:
            for name, value in entry["measured"].items():
                shown = "n/a" if value is None else f"{value:.3f}" if name == "cls" else f"{value:.0f}"
                limit = entry["budget"].get(name, "")
                lines.append(f"| {entry['page']} | {entry['condition']} | {name} | {shown} | {limit} |")
        (folder / "performance.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
