"""One checklist run: read the checklist and sign-offs, plan the suites, run every item against
the target, then judge and write the reports."""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from checklists.attestations import load_sign_offs
from checklists.checks import CHECKS
from checklists.checks.registry import NEEDS
from checklists.checks.testing import plan_for, race_tool_for
from checklists.context import CheckContext
from checklists.definition import DEFAULT_CHECKLIST, load_checklist
from checklists.model import CheckResult, Evidence, Outcome
from checklists.plots import load_plots
from checklists.progress import Progress, QuietProgress
from checklists.report import RunReport
from checklists.suites import SuiteRunner
from checklists.verdict import ItemReport, attested_item, automated_item, overall
from harness.adapters import open_adapter
from harness.target import Target


@dataclass
class RunOptions:
    report_dir: Path
    checklist: Path = DEFAULT_CHECKLIST
    attestations: Path | None = None
    env_file: Path | None = None
    only: Sequence[str] = ()
    expect_version: str | None = None
    expect_public_url: str | None = None
    browsers: tuple[str, ...] = ("chromium", "firefox", "webkit")
    race_users: int = 30
    race_duration: str = "15s"
    race_processes: int = 0  # Locust worker processes (0: the race runs in Locust's own process)
    repo_root: Path = field(default_factory=Path.cwd)
    today: date = field(default_factory=date.today)


def run_check(context: CheckContext, check: str, params: dict[str, object]) -> CheckResult:
    """A check that raises is an error result with the exception as evidence, never a crash. A
    check whose capabilities the target's adapter lacks does not run: it is not applicable."""
    try:
        missing = context.not_applicable(*NEEDS.get(check, ()))
        return missing or CHECKS[check](context, params)

    except Exception as exc:  # the run goes on: one broken check must not hide the others
        return CheckResult(
            Outcome.ERROR,
            f"the check raised {type(exc).__name__}: {exc}",
            [Evidence("exception", {"type": type(exc).__name__, "message": str(exc)})],
        )


def run_checklist(target: Target, options: RunOptions, progress: Progress | None = None) -> RunReport:
    progress = progress or QuietProgress()
    started_at, started = datetime.now(UTC), time.monotonic()
    checklist = load_checklist(options.checklist, CHECKS.keys())
    sign_offs = load_sign_offs(
        options.attestations,
        attested_ids={i.id for i in checklist.items if i.attested},
        automated_ids={i.id for i in checklist.items if not i.attested},
        today=options.today,
    )
    if options.only:
        checklist = checklist.only(options.only)
    options.report_dir.mkdir(parents=True, exist_ok=True)
    reports: list[ItemReport] = []
    with tempfile.TemporaryDirectory(prefix="checklist-target-") as scratch:
        # The target file holds credentials: kept out of the report directory.
        target_file = Path(scratch) / "target.json"
        target_file.write_text(json.dumps(target.to_json()))
        os.chmod(target_file, 0o600)
        system = open_adapter(target)  # an adapter that cannot be opened: no verdict (exit 2)
        plan = plan_for(
            checklist.items,
            system.capabilities,
            browsers=options.browsers,
            race_users=options.race_users,
            race_duration=options.race_duration,
            race_processes=options.race_processes,
            race_tool=race_tool_for(target),
        )
        suites = SuiteRunner(
            plan,
            options.report_dir,
            target_file,
            repo_root=options.repo_root,
            on_start=progress.suite_started,
            on_end=progress.suite_finished,
        )
        context = CheckContext(
            target=target,
            report_dir=options.report_dir,
            suites=suites,
            repo_root=options.repo_root,
            env_file=options.env_file,
            expect_version=options.expect_version,
            expect_public_url=options.expect_public_url,
            today=options.today,
            _system=system,
        )
        progress.begin(len(checklist.items))
        try:
            for item in checklist.items:
                progress.item_started(item)
                item_started = time.monotonic()
                if item.check is None:
                    report = attested_item(item, sign_offs)
                else:
                    result = run_check(context, item.check, dict(item.params))
                    report = automated_item(item, result, sign_offs, time.monotonic() - item_started)
                reports.append(report)
                progress.item_finished(report)
        finally:
            context.close()
    load_dir = options.report_dir / "load-race"
    plots = load_plots(load_dir, options.report_dir / "plots") if load_dir.exists() else {}
    return RunReport(
        title=checklist.title,
        checklist=str(options.checklist),
        target=target.base_url,
        started_at=started_at.isoformat(timespec="seconds"),
        ended_at=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=time.monotonic() - started,
        verdict=overall(reports),
        items=reports,
        report_dir=options.report_dir,
        suites=suites.runs,
        plots=plots,
        refused=sign_offs.refused,
        attestations_file=sign_offs.source,
    )
