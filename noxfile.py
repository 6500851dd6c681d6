"""Sessions: tests and lint run by default; serve starts the local stack."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import nox

# uv when it is installed (venvs in seconds; .ci/run installs it), else the standard library venv.
nox.options.default_venv_backend = "uv|venv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["lint", "tests"]


# Where compiled bytecode goes when the environment forbids writing it beside the sources.
BYTECODE_CACHE = Path(__file__).parent / ".nox" / "bytecode"


def keep_bytecode(session: nox.Session) -> None:
    """With PYTHONDONTWRITEBYTECODE set (as on CI machines that keep source trees clean), every
    process would compile each module it imports from source, and a session starts hundreds of
    them (servers, moto, email senders, Locust workers, suite sessions): 10.3 s of CPU to collect
    the browser suites against 3.5 s with the bytecode kept, 2.7 s against 0.8 s to import
    moto, Litestar and boto3. The session's processes write their bytecode, once, under
    .nox/bytecode (PYTHONPYCACHEPREFIX), never beside the sources."""
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        session.env["PYTHONDONTWRITEBYTECODE"] = ""
        session.env["PYTHONPYCACHEPREFIX"] = os.environ.get("PYTHONPYCACHEPREFIX") or str(BYTECODE_CACHE)


def install(session: nox.Session, *extras: str) -> None:
    """Install the project with the named extras (dependencies come from pyproject.toml)."""
    keep_bytecode(session)
    spec = f".[{','.join(extras)}]" if extras else "."
    session.install("-e", spec)


def own_logs(session: nox.Session) -> dict[str, str]:
    """The session's own log folder (artifacts/logs/<session>/<xdist worker>): CI runs two
    sessions at once, and their workers have the same names."""
    return {"STACK_LOG_DIR": f"artifacts/logs/{session.name}"}


# pytest-xdist workers for `nox -s tests`: 3 on the 2-core machine (many tests wait on servers,
# browsers and PostgreSQL: a third worker fills those waits; measured in
# docs/development/test-speed.md). Whole files go to one worker (--dist loadfile), so a module's
# server or moto fixture starts once.
TEST_WORKERS = ("-n", "3", "--dist", "loadfile")
# The Locust teeth (a real race on a stack of its own, each a minute or more) run in
# `nox -s load_teeth`; the adapters' tests against other systems (each installs and serves that
# system) in `nox -s adapters`; the files that start stacks, servers and the harness's own
# commands by the dozen (marked `processes`: most of the default command's CPU) in
# `nox -s process_tests`. CI runs all three. A `-m` of your own after `--` replaces this one.
KEPT_OUT_OF_TESTS = ("-m", "not locust_race and not adapter_django and not processes")


@nox.session
def tests(session: nox.Session) -> None:
    """The test suite on a real PostgreSQL (DATABASE_URL, Docker, or an embedded server), spread
    over xdist workers; `-- -n 0` runs it in one process, `-- tests/unit` runs one folder."""
    # checklists + e2e: the checklist's tests draw plots and open its report in Chromium.
    install(session, "stack", "test", "load", "checklists", "e2e")
    paths = session.posargs or ("tests", "properties")
    session.run("pytest", *TEST_WORKERS, *KEPT_OUT_OF_TESTS, *paths, env=own_logs(session))


@nox.session
def process_tests(session: nox.Session) -> None:
    """The tests marked `processes`, left out of `nox -s tests`: real command runs against dead,
    wrong and real targets, races across server processes, stacks, the fuzz run, the checklist
    and watch commands. Options after `--` go to pytest (paths replace tests/ and properties/)."""
    install(session, "stack", "test", "load", "checklists", "e2e")
    paths = session.posargs or ("tests", "properties")
    session.run("pytest", *TEST_WORKERS, "-m", "processes", *paths, env=own_logs(session))


@nox.session
def adapters(session: nox.Session) -> None:
    """The adapters against the real systems they drive: django-appointment 3.12 in a virtualenv
    of its own (built once under ~/.cache/booking-harness), on PostgreSQL, under gunicorn; the
    checklist, the browser suites (checklists, e2e) and the Locust race (`python -m load run`,
    load) run against it through the adapter."""
    install(session, "stack", "test", "checklists", "e2e", "load")
    session.run("pytest", "-m", "adapter_django", *(session.posargs or ("tests/adapters",)))


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


# The sign-offs CI's gated checklist run is given (.ci/run passes the same file to verify).
CI_SIGN_OFFS = "checklists/examples/local-sign-offs.toml"


@nox.session
def e2e_beside_verify(session: nox.Session) -> None:
    """CI's browser step: every E2E test the gated `nox -s verify` does not judge itself (the
    suites no unwaived blocker item reads, and every suite's teeth), so each runs once in CI.
    Options after `--` go to pytest."""
    install(session, "stack", "test", "e2e", "checklists")
    gated = ("python", "-m", "checklists.gated_suites", "--attestations", CI_SIGN_OFFS)
    # The expression is the command's last line (a warning on stderr would come before it).
    marker = str(session.run(*gated, silent=True)).strip().splitlines()[-1]
    session.log(f"E2E tests beside the checklist run: -m {marker!r}")
    output = ("--output", "artifacts/e2e-results")
    session.run("pytest", "e2e", "-m", marker, *E2E_ARTIFACT_OPTIONS, *output, *session.posargs)


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
RACE_RUN = ("race", "--users", "50", "--duration", "20s", "--processes", "2")
MIX_RUN = ("mix", "--users", "30", "--duration", "20s")
# CI runs RACE_RUN as its gated checklist run's race (.ci/run: `nox -s verify -- ...
# --race-users 50 --race-duration 20s --race-processes 2`), on the stack the browser suites used.
# The race under every fault, on a PostgreSQL cluster of its own (restart-db): about a minute.
NEMESIS_RUN = (
    "race",
    "--users",
    "20",
    "--duration",
    "40s",
    "--nemesis",
    "kill-worker,restart-db,ses-outage,drop-connections",
    "--nemesis-interval",
    "4s",
)
LOAD_RUNS = (RACE_RUN, MIX_RUN, NEMESIS_RUN)


@nox.session
def load(session: nox.Session) -> None:
    """A short race (distributed over 2 Locust worker processes), a mix, and a race under every
    nemesis fault against the local stack, each audited and gated; fails on any breach.
    Options after `--` go to every run (and on to Locust), e.g. `nox -s load -- --gate-p95-ms 300`."""
    install(session, "stack", "load")
    for scenario, *options in LOAD_RUNS:
        session.run("python", "-m", "load", "run", "--scenario", scenario, *options, *session.posargs)


def _load_mix(session: nox.Session) -> None:
    scenario, *options = MIX_RUN
    session.run("python", "-m", "load", "run", "--scenario", scenario, *options)


# The Locust teeth catch what they are for on a busy machine too (no guard, or a guard locking
# too little, with a slow capacity count; a count that forgets started jobs; faults injected
# at set times; the race-shape teeth, whose offset rounds meet by chance, retry up to six
# times: docs/teeth.md), so they run three at a time, test by test (much of a tooth is a
# fixed-length race and a stack starting: two at a time left a core half idle); the two
# nemesis races (xdist_group "nemesis") one after the other.
LOAD_TEETH = ("-m", "locust_race", "-n", "3", "--dist", "loadgroup", "--durations=12", "tests/load")


@nox.session
def load_teeth(session: nox.Session) -> None:
    """The load step: the mix of `nox -s load`, then every test marked locust_race (a real Locust
    race on a stack of its own, left out of `nox -s tests`): the race's teeth and the race under
    every nemesis fault, which is `nox -s load`'s third run with more checked. `nox -s load`'s
    first run, the distributed race, is CI's gated checklist run's race (see RACE_RUN). CI runs
    the two apart (`nox -s load_mix` first and alone, `nox -s locust_teeth` in a lane). Options
    after `--` go to pytest, in one process."""
    # checklists: the checklist's no-double-booking item on a real race is one of the teeth.
    install(session, "stack", "test", "load", "checklists")
    _load_mix(session)
    # tests/load only: collecting the rest of tests/ would need the e2e extra.
    if session.posargs:  # the caller's selection, in one process
        session.run("pytest", "-m", "locust_race", "tests/load", *session.posargs)
        return
    session.run("pytest", *LOAD_TEETH, env=own_logs(session))


@nox.session
def load_mix(session: nox.Session) -> None:
    """The mix of `nox -s load` (CI runs it first, alone: its latency gates judge the service)."""
    install(session, "stack", "load")
    _load_mix(session)


@nox.session
def locust_teeth(session: nox.Session) -> None:
    """The Locust teeth of `nox -s load_teeth`, three at a time. Options after `--` go to pytest."""
    install(session, "stack", "test", "load", "checklists")
    session.run("pytest", *LOAD_TEETH, *session.posargs, env=own_logs(session))


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
