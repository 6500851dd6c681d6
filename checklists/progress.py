"""What the runner shows while it works: a live `rich` display of the item being checked, the
suite running and the time elapsed, then a summary table."""

from __future__ import annotations

from typing import Protocol

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from checklists.model import Item
from checklists.report import RunReport
from checklists.suites import SuiteRun
from checklists.verdict import ItemReport

STYLE = {
    "passed": "green",
    "attested": "green",
    "failed": "bold red",
    "error": "bold red",
    "skipped": "yellow",
    "cannot be checked on this machine": "cyan",
    "not applicable": "blue",
    "awaiting sign-off": "magenta",
}


class Progress(Protocol):
    def begin(self, items: int) -> None: ...
    def item_started(self, item: Item) -> None: ...
    def item_finished(self, report: ItemReport) -> None: ...
    def suite_started(self, name: str) -> None: ...
    def suite_finished(self, run: SuiteRun) -> None: ...


class QuietProgress:
    """Shows nothing (tests, and callers with their own output)."""

    def begin(self, items: int) -> None:
        pass

    def item_started(self, item: Item) -> None:
        pass

    def item_finished(self, report: ItemReport) -> None:
        pass

    def suite_started(self, name: str) -> None:
        pass

    def suite_finished(self, run: SuiteRun) -> None:
        pass


class LiveProgress:
    """A rich progress display; use as a context manager around the run."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.display = RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
        )
        self.items: TaskID | None = None
        self.suite: TaskID | None = None

    def __enter__(self) -> LiveProgress:
        self.display.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.display.stop()

    def begin(self, items: int) -> None:
        self.items = self.display.add_task("checklist", total=items)

    def item_started(self, item: Item) -> None:
        if self.items is not None:
            self.display.update(self.items, description=f"{item.section}: {item.id}")

    def item_finished(self, report: ItemReport) -> None:
        style = STYLE.get(report.status.value, "")
        self.console.print(f"[{style}]{report.label:>18}[/] {report.item.id}: {report.summary[:160]}")
        if self.items is not None:
            self.display.advance(self.items)

    def suite_started(self, name: str) -> None:
        self.suite = self.display.add_task(f"  running suite {name}", total=None)

    def suite_finished(self, run: SuiteRun) -> None:
        if self.suite is not None:
            self.display.remove_task(self.suite)
            self.suite = None
        outcome = f"exit code {run.exit_code}" + (f", {run.error}" if run.error else "")
        self.console.print(f"[dim]suite {run.name} finished in {run.seconds:.0f} s ({outcome})[/]")


def summary_table(report: RunReport) -> Table:
    table = Table(title=f"{report.title}: {report.verdict.label}", show_lines=False)
    for column in ("item", "severity", "status", "finding"):
        table.add_column(column, overflow="fold", no_wrap=column != "finding")
    for item_report in report.items:
        style = STYLE.get(item_report.status.value, "")
        table.add_row(
            item_report.item.id,
            item_report.item.severity.value,
            f"[{style}]{item_report.label}[/]",
            item_report.summary[:200],
        )
    return table
