"""The browser run's reports: JUnit XML, a self-contained HTML report and a per-suite summary
(JSON and Markdown, printed at the end) in one folder, artifacts/e2e/ unless --e2e-report-dir.

Its hooks are registered through e2e/conftest.py. Every collected browser test must be marked with the
suite e2e/suites.py gives it, so the summary never files a test under the wrong suite."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from e2e.suites import CASES, SUITES, Case, suite_marker

DEFAULT_REPORT_DIR = "artifacts/e2e"
E2E_DIR = Path(__file__).resolve().parent


RESULTS = pytest.StashKey[dict[str, "CaseResult"]]()
# The target's base URL, set by the target fixture once it is known.
TARGET_URL = pytest.StashKey[str]()
# Where the email suite read the sent emails from (set by its fixture when it runs).
MAILBOX_SOURCE = pytest.StashKey[str]()
# Engine name -> why it cannot run on this machine (set by suite 10's engine fixture).
ABSENT_ENGINES = pytest.StashKey[dict[str, str]]()


@dataclass
class CaseResult:
    test: str
    suite: int
    case: str
    outcome: str = "skipped"
    reason: str = "not run"
    # The browser engine the case ran on, when it is parametrised by one.
    engine: str | None = None


def add_report_options(parser: pytest.Parser) -> None:
    parser.addoption(
        "--e2e-report-dir",
        default=DEFAULT_REPORT_DIR,
        help="folder for junit.xml, report.html and the per-suite summary.{json,md}",
    )


def report_dir(config: pytest.Config) -> Path:
    return Path(str(config.getoption("--e2e-report-dir")))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Before the junitxml and pytest-html plugins read their paths.
    folder = report_dir(config)
    if not getattr(config.option, "xmlpath", None):
        config.option.xmlpath = str(folder / "junit.xml")
    if hasattr(config.option, "htmlpath") and not config.option.htmlpath:
        config.option.htmlpath = str(folder / "report.html")
        config.option.self_contained_html = True
    config.stash[RESULTS] = {}
    config.stash[ABSENT_ENGINES] = {}


def _suite_of(item: pytest.Item) -> int | None:
    found = [n for n in SUITES if item.get_closest_marker(suite_marker(n)) is not None]
    return found[0] if len(found) == 1 else None


def _browser_tests(items: list[pytest.Item]) -> list[tuple[pytest.Item, Case | None]]:
    return [
        (item, CASES.get(getattr(item, "originalname", item.name)))
        for item in items
        if E2E_DIR in Path(str(item.path)).parents
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problems = []
    for item, case in _browser_tests(items):
        if E2E_DIR not in Path(str(item.path)).parents:
            continue
        suite = _suite_of(item)
        if case is None:
            problems.append(f"{item.nodeid}: not in e2e/suites.py CASES")
        elif suite != case.suite:
            problems.append(f"{item.nodeid}: marked suite {suite}, e2e/suites.py says {case.suite}")
    if problems:
        raise pytest.UsageError("browser tests without their suite:\n" + "\n".join(problems))


def _engine_of(item: pytest.Item) -> str | None:
    """Suite 10's `engine` parameter, else pytest-playwright's `browser_name` one."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    engine = params.get("engine", params.get("browser_name"))
    return str(engine) if engine is not None else None


def pytest_collection_finish(session: pytest.Session) -> None:
    # After deselection (-m, -k): the summary lists what this run was asked to run.
    results = session.config.stash[RESULTS]
    for item, case in _browser_tests(session.items):
        if case is not None:
            results[item.nodeid] = CaseResult(item.nodeid, case.suite, case.text, engine=_engine_of(item))


def _reason(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    text = report.longreprtext.strip()
    errors = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
    return " ".join(errors[:3]) if errors else (text.splitlines() or [""])[-1]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report: pytest.TestReport = yield
    result = item.config.stash[RESULTS].get(item.nodeid)
    if result is not None:
        if report.passed and report.when == "call" and result.outcome != "failed":
            result.outcome, result.reason = "passed", ""
        elif report.failed:
            result.outcome, result.reason = "failed", _reason(report)[:500]
        elif report.skipped:
            result.outcome, result.reason = "skipped", _reason(report)[:500]
    return report


OUTCOMES = ("passed", "failed", "skipped")


def by_engine(cases: list[CaseResult], absent: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per engine the suite's cases ran on: outcome counts, and `absent` (why the engine cannot
    run on this machine) when it was skipped for that."""
    engines: dict[str, dict[str, Any]] = {}
    for result in cases:
        if result.engine is None:
            continue
        counts = engines.setdefault(result.engine, dict.fromkeys(OUTCOMES, 0))
        counts[result.outcome] += 1
        if result.engine in absent:
            counts["absent"] = absent[result.engine]
    return engines


def summary(config: pytest.Config) -> dict[str, Any]:
    results = list(config.stash[RESULTS].values())
    absent = config.stash[ABSENT_ENGINES]
    suites = []
    for number, name in SUITES.items():
        cases = [r for r in results if r.suite == number]
        engines = by_engine(cases, absent)
        suites.append(
            {
                "suite": number,
                "name": name,
                **{o: sum(r.outcome == o for r in cases) for o in OUTCOMES},
                **({"byEngine": engines} if engines else {}),
                "cases": [
                    {"test": r.test, "case": r.case, "outcome": r.outcome, "reason": r.reason} for r in cases
                ],
            }
        )
    browsers = config.getoption("--browser", default=None) or ["chromium"]
    target = config.stash.get(TARGET_URL, None) or config.getoption("--base-url", default=None)
    data: dict[str, Any] = {"browser": list(browsers), "target": target or "", "suites": suites}
    if MAILBOX_SOURCE in config.stash:
        data["mailbox"] = config.stash[MAILBOX_SOURCE]
    return data


def markdown(data: dict[str, Any]) -> str:
    lines = [
        f"# Browser suites against {data['target'] or 'no target'} ({', '.join(data['browser'])})",
        "",
        *([f"Emails read from: {data['mailbox']}", ""] if "mailbox" in data else []),
        "| suite | name | passed | failed | skipped |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {s['suite']} | {s['name']} | {s['passed']} | {s['failed']} | {s['skipped']} |"
        for s in data["suites"]
    ]
    for s in data["suites"]:
        if not s["cases"]:
            continue  # not selected in this run: the table above shows it as 0 / 0 / 0
        lines += ["", f"## {s['suite']}. {s['name']}", ""]
        for name, counts in s.get("byEngine", {}).items():
            ran = ", ".join(f"{counts[o]} {o}" for o in OUTCOMES)
            lines.append(
                f"- engine **{name}**: {counts['absent']}"
                if "absent" in counts
                else f"- engine **{name}**: {ran}"
            )
        if "byEngine" in s:
            lines.append("")
        for case in s["cases"]:
            reason = f": {case['reason']}" if case["reason"] else ""
            lines.append(f"- **{case['outcome']}** {case['case']} (`{case['test']}`){reason}")
    return "\n".join(lines) + "\n"


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not session.config.stash[RESULTS]:
        return
    folder = report_dir(session.config)
    folder.mkdir(parents=True, exist_ok=True)
    data = summary(session.config)
    (folder / "summary.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (folder / "summary.md").write_text(markdown(data), encoding="utf-8")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if not config.stash[RESULTS]:
        return
    data = summary(config)
    terminalreporter.section("browser suites")
    for s in data["suites"]:
        if s["cases"]:
            terminalreporter.write_line(
                f"{s['suite']:>2} {s['name']:<30} passed {s['passed']:>3}  failed {s['failed']:>3}"
                f"  skipped {s['skipped']:>3}"
            )
            for engine, counts in s.get("byEngine", {}).items():
                if "absent" in counts:
                    terminalreporter.write_line(f"     engine {engine} absent: {counts['absent']}")
            for case in s["cases"]:
                if case["outcome"] != "passed":
                    terminalreporter.write_line(f"     {case['outcome']}: {case['case']}: {case['reason']}")
    terminalreporter.write_line(f"summary: {report_dir(config) / 'summary.md'}")
