"""Sessions: tests and lint run by default; serve starts the local stack."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests"]


def install(session: nox.Session, *extras: str) -> None:
    """Install the project with the named extras (dependencies come from pyproject.toml)."""
    spec = f".[{','.join(extras)}]" if extras else "."
    session.install("-e", spec)


def run_pytest(session: nox.Session, *paths: str) -> None:
    session.run("pytest", *(session.posargs or paths))


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite on a real PostgreSQL (DATABASE_URL, Docker, or an embedded server)."""
    # checklists + e2e: the checklist's tests draw plots and open its report in Chromium.
    install(session, "stack", "test", "load", "checklists", "e2e")
    run_pytest(session, "tests", "properties")


@nox.session
def lint(session: nox.Session) -> None:
    install(session, "stack", "test", "lint", "load", "checklists")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "reference_app", "harness", "load", "checklists", "e2e")


# Browser-test artifacts: a trace and a screenshot of each failing test.
E2E_ARTIFACT_OPTIONS = ("--tracing", "retain-on-failure", "--screenshot", "only-on-failure")


def _names_tests(args: list[str]) -> bool:
    """Whether the arguments name test files or folders (else the whole e2e/ folder runs)."""
    paths = [Path(arg.split("::")[0]) for arg in args if not arg.startswith("-")]
    return any(path.is_dir() or (path.suffix == ".py" and path.exists()) for path in paths)


@nox.session
def e2e(session: nox.Session) -> None:
    """The seed's ten E2E suites on the machine's Chromium (never a downloaded one), against the
    local stack, or a target: `nox -s e2e -- --base-url URL` or `-- --target-file F`; one suite
    with `-- -m suite2`. Reports (JUnit, HTML, per-suite summary) go to artifacts/e2e/."""
    install(session, "stack", "test", "e2e")
    paths = [] if _names_tests(session.posargs) else ["e2e"]
    output = ("--output", "artifacts/e2e-results")
    session.run("pytest", *paths, *E2E_ARTIFACT_OPTIONS, *output, *session.posargs)


@nox.session
def properties(session: nox.Session) -> None:
    """Hypothesis state machines (lifecycle, capacity, rule oracle). Options go to pytest:
    --hypothesis-profile=thorough, --target-url URL or --target-file F for a live service."""
    install(session, "stack", "test")
    session.run("pytest", "properties", *session.posargs)


@nox.session
def serve(session: nox.Session) -> None:
    """Start PostgreSQL, migrate, seed and serve the reference service; Ctrl-C stops it all."""
    install(session, "stack")
    session.run("python", "-m", "reference_app", "stack", *session.posargs)


# Short enough for CI on 2 cores: each run starts its own local stack (2 server processes).
LOAD_RUNS = (
    ("race", "--users", "50", "--duration", "20s", "--processes", "2"),
    ("mix", "--users", "30", "--duration", "20s"),
    # The race under every fault, on a PostgreSQL cluster of its own (restart-db): about a minute.
    (
        "race",
        "--users",
        "20",
        "--duration",
        "40s",
        "--nemesis",
        "kill-worker,restart-db,ses-outage,drop-connections",
        "--nemesis-interval",
        "4s",
    ),
)


@nox.session
def load(session: nox.Session) -> None:
    """A short race (distributed over 2 Locust worker processes), a mix, and a race under every
    nemesis fault against the local stack, each audited and gated; fails on any breach.
    Options after `--` go to every run (and on to Locust), e.g. `nox -s load -- --gate-p95-ms 300`."""
    install(session, "stack", "load")
    for scenario, *options in LOAD_RUNS:
        session.run("python", "-m", "load", "run", "--scenario", scenario, *options, *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark the local stack (raw SQL, race, mix; before/after tuning) into
    artifacts/bench/<timestamp>/bench.md. Options after `--` go to `python -m load bench`."""
    install(session, "stack", "load")
    session.run("python", "-m", "load", "bench", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/; a broken link, a missing page or a page left out
    of the navigation fails the build (--strict)."""
    install(session, "docs")
    session.run("mkdocs", "build", "--strict", *session.posargs, env={"NO_MKDOCS_2_WARNING": "1"})


@nox.session(name="docs-pictures")
def docs_pictures(session: nox.Session) -> None:
    """Take the documentation's pictures again from the project's own runs on a local stack (the
    pages in Chromium, a short load race's plots, a checklist report): docs/pictures/*.png."""
    install(session, "stack", "load", "checklists", "e2e")
    session.run("python", "docs/pictures.py", *session.posargs)


@nox.session
def verify(session: nox.Session) -> None:
    """The main job: start the local reference stack, run the whole pre-production checklist with
    every suite against it, and write the readiness report to artifacts/verify/<timestamp>/.
    Options after `--` go to `python -m checklists run`, e.g. `-- --attestations sign-offs.toml
    --gate` or `-- --target-file staging.json`."""
    install(session, "stack", "test", "e2e", "load", "checklists")
    options = list(session.posargs)
    if "--report-dir" not in options:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        options = ["--report-dir", f"artifacts/verify/{stamp}", *options]
    session.run("python", "-m", "checklists", "run", *options)
