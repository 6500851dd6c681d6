"""Sessions: tests and lint run by default; serve starts the local stack."""

from __future__ import annotations

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
    run_pytest(session, "tests")


@nox.session
def lint(session: nox.Session) -> None:
    install(session, "stack", "test", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "reference_app", "harness")


@nox.session
def serve(session: nox.Session) -> None:
    """Start PostgreSQL, migrate, seed and serve the reference service; Ctrl-C stops it all."""
    install(session, "stack")
    session.run("python", "-m", "reference_app", "stack", *session.posargs)
