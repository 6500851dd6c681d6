"""The HTML readiness report opens in Chromium, self-contained, with both load plots drawn from
Locust's CSV files (a screenshot is kept in artifacts/checklists/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checklists.attestations import SignOffs
from checklists.model import CheckResult, Evidence, Item, Outcome, Severity
from checklists.plots import load_plots
from checklists.report import RunReport
from checklists.reporters import write_reports
from checklists.verdict import automated_item, overall
from e2e.browsers import CHROMIUM_ARGS, find_chromium

playwright_api = pytest.importorskip("playwright.sync_api")

HISTORY_HEADER = (
    "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,"
    "Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,"
    "Total Min Response Time,Total Max Response Time,Total Average Content Size"
)
STATS_HEADER = (
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,"
    "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
)


def locust_csvs(directory: Path) -> None:
    """CSV files shaped as Locust writes them with --csv (history rows every second)."""
    directory.mkdir(parents=True)
    rows = [HISTORY_HEADER]
    for second in range(12):
        users = min(30, 10 * (second + 1))
        p50, p95, p99 = 4 + second % 3, 12 + second, 20 + 2 * second
        rows.append(
            f"{1764650000 + second},{users},,Aggregated,{300 + second},0,"
            f"{p50},6,7,8,10,{p95},16,{p99},40,45,50,{300 * (second + 1)},0,{p50},6.1,1.2,50,120"
        )
    (directory / "locust_stats_history.csv").write_text("\n".join(rows) + "\n")
    (directory / "locust_stats.csv").write_text(
        STATS_HEADER
        + "\nPOST,/services/[id]/book,3400,0,4,6.5,1,80,110,283,0,4,5,6,7,9,13,18,25,60,80,80"
        + "\n,Aggregated,3600,0,4,6.4,1,80,110,300,0,4,5,6,7,9,13,18,24,60,80,80\n"
    )


def test_html_report_opens_in_chromium_with_its_plots(tmp_path: Path) -> None:
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("no Chromium on this machine (CHROMIUM_PATH, /usr/bin/chromium or PATH)")
    report_dir = tmp_path / "report"
    locust_csvs(report_dir / "load-race")
    plots = load_plots(report_dir / "load-race", report_dir / "plots")
    assert set(plots) == {"Latency over time", "Latency distribution"}
    item = Item(
        "testing.no-double-booking", "Testing", "No double-bookings", Severity.BLOCKER, "no_double_booking"
    )
    result = CheckResult(
        Outcome.FAILED, "audit check double_booking: 1", [Evidence("race", {"slot": "<b>x</b>"})]
    )
    items = [automated_item(item, result, SignOffs())]
    report = RunReport(
        "Pre-production checklist", "preproduction.toml", "http://127.0.0.1:8000", "start", "end", 60.0,
        overall(items), items, report_dir, plots=plots,
    )  # fmt: skip
    files = write_reports(report)
    # Self-contained: the page must not need the PNG files beside it.
    shutil.rmtree(report_dir / "plots")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(files["html"].resolve().as_uri())
        assert page.get_by_test_id("verdict").inner_text() == "NOT READY"
        assert "failed" in page.get_by_test_id("item-testing.no-double-booking").inner_text()
        plots_drawn = page.eval_on_selector_all(
            "img[data-testid=plot]", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
        )
        assert len(plots_drawn) == 2 and all(width >= 600 for width in plots_drawn), plots_drawn
        # Evidence is shown as text, never as markup.
        page.get_by_text("evidence (1)").click()
        assert page.locator("pre", has_text="<b>x</b>").count() == 1
        keep = Path("artifacts/checklists")
        keep.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(keep / "readiness-report.png"), full_page=True)
        browser.close()
