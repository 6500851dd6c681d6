"""Sessions: tests and lint run by default; serve starts the local stack."""

from __future__ import annotations

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
    install(session, "stack", "test")
    run_pytest(session, "tests", "properties")


@nox.session
def lint(session: nox.Session) -> None:
    install(session, "stack", "test", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "reference_app", "harness")


# Browser-test artifacts: a trace and a screenshot of each failing test.
E2E_ARTIFACT_OPTIONS = ("--tracing", "retain-on-failure", "--screenshot", "only-on-failure")


def _names_tests(args: list[str]) -> bool:
    """Whether the arguments name test files or folders (else the whole e2e/ folder runs)."""
    paths = [Path(arg.split("::")[0]) for arg in args if not arg.startswith("-")]
    return any(path.is_dir() or (path.suffix == ".py" and path.exists()) for path in paths)


@nox.session
def e2e(session: nox.Session) -> None:
    """Browser tests of the web pages on the machine's Chromium (never a downloaded one), against
    the local stack, or a target: `nox -s e2e -- --base-url URL` or `-- --target-file F`."""
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
