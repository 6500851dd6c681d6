"""The browser suite's fixtures: the target (a local reference stack unless one is named), the
machine's Chromium, an admin API client for setting up and checking data, and screenshots.

A target is named with --base-url / --target-file, or the harness's environment variables
(HARNESS_BASE_URL, HARNESS_TARGET_FILE, ...; see harness/target.py)."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import BrowserContext, Page, Playwright

from e2e.browsers import CHROMIUM_ARGS, INSTALL_HINT, engine_missing, find_chromium
from e2e.page_objects.login_page import LoginPage
from e2e.report import (  # noqa: F401  (the report's hooks, registered through this conftest)
    TARGET_URL,
    add_report_options,
    pytest_collection_finish,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_runtest_makereport,
    pytest_sessionfinish,
    pytest_terminal_summary,
)
from e2e.scenario import book_first_free, service_id, service_zone
from harness.adapters import open_adapter, reference_paths
from harness.adapters.reference_client import BookingApi
from harness.exit_codes import NOT_JUDGED, CannotJudge
from harness.model import Capability
from harness.preflight import preflight
from harness.target import Target, harness_target, resolve_target

PHONE_DEVICE = "iPhone 8"  # a 375 px wide viewport
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}


def pytest_addoption(parser: pytest.Parser) -> None:
    add_report_options(parser)
    parser.addoption(
        "--target-file",
        default=None,
        help="JSON target description (see harness/target.py); default: the environment, "
        "else a local reference stack started for the run",
    )


def wait_healthy(base_url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(reference_paths.health_url(base_url), timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"{reference_paths.health_url(base_url)} did not answer 200 within {timeout} s"
            )
        time.sleep(0.2)


EXPLICIT_TARGET = pytest.StashKey[Target | None]()


def explicit_target(config: pytest.Config) -> Target | None:
    base_url = config.getoption("--base-url")
    env = dict(os.environ)
    if base_url:
        # resolve_target reads HARNESS_ADMIN_* and HARNESS_SERVICES only beside HARNESS_BASE_URL or
        # a target file; a URL given on the command line takes them from the environment too.
        env.setdefault("HARNESS_BASE_URL", base_url)
    return resolve_target(base_url=base_url, target_file=config.getoption("--target-file"), env=env)


def preflight_or_exit(target: Target) -> None:
    """The shared preflight (harness/preflight.py); a target that cannot be judged ends the
    session at once with its one line and exit code 2, before any browser starts."""
    try:
        print("\n" + preflight(target).line())
    except CannotJudge as exc:
        pytest.exit(f"e2e: {exc}", returncode=NOT_JUDGED)


NO_PAGES = pytest.StashKey[str | None]()


def pages_missing(target: Target) -> str | None:
    """Why the browser suites cannot run on the target: its adapter lacks the pages capability
    (the page contract's booking page and calendar); None when it has it."""
    system = open_adapter(target)
    try:
        if Capability.PAGES in system.capabilities:
            return None
        return (
            f"not applicable: the {system.name} adapter does not offer {Capability.PAGES.value} (the "
            "booking page and calendar of the page contract the browser suites drive)"
        )
    finally:
        system.close()


def pytest_sessionstart(session: pytest.Session) -> None:
    """A named target is checked before collection: a bad file or a dead URL costs seconds. A
    target whose adapter has no pages skips every browser test with that reason."""
    try:
        explicit = explicit_target(session.config)
        no_pages = pages_missing(explicit) if explicit is not None else None
    except CannotJudge as exc:
        pytest.exit(f"e2e: {exc}", returncode=NOT_JUDGED)
    session.config.stash[EXPLICIT_TARGET] = explicit
    session.config.stash[NO_PAGES] = no_pages
    if no_pages:
        print(f"\ne2e: every browser test is skipped: {no_pages}")
    elif explicit is not None:
        preflight_or_exit(explicit)


@pytest.fixture(scope="session", autouse=True)
def pages_offered(pytestconfig: pytest.Config) -> None:
    """Before any other fixture of the session (an autouse one runs first in its scope)."""
    reason = pytestconfig.stash.get(NO_PAGES, None)
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def target(pytestconfig: pytest.Config) -> Iterator[Target]:
    explicit = pytestconfig.stash.get(EXPLICIT_TARGET, None)
    if explicit is None:
        print("\nno target given: starting the local reference stack...")
    with harness_target(explicit, servers=1) as found:
        wait_healthy(found.base_url)
        if explicit is None:
            preflight_or_exit(found)
        pytestconfig.stash[TARGET_URL] = found.base_url
        yield found


@pytest.fixture(scope="session")
def base_url(target: Target) -> str:
    """pytest-playwright's base URL: pages open relative paths on the target."""
    return target.base_url


@pytest.fixture(scope="session")
def browser_type_launch_args(
    browser_type_launch_args: dict[str, Any], browser_name: str, playwright: Playwright
) -> dict[str, Any]:
    args = dict(browser_type_launch_args)
    if browser_name == "chromium":
        executable = find_chromium()
        if executable is None:
            pytest.fail(f"no Chromium found: {INSTALL_HINT}", pytrace=False)
        args["executable_path"] = executable
        args["args"] = [*args.get("args", []), *CHROMIUM_ARGS]
    elif not Path(getattr(playwright, browser_name).executable_path).exists():
        pytest.skip(engine_missing(browser_name))
    return args


@pytest.fixture(scope="session")
def phone(playwright: Playwright) -> dict[str, Any]:
    """Context options of an emulated phone, 375 px wide (Playwright's device descriptor)."""
    descriptor = dict(playwright.devices[PHONE_DEVICE])
    descriptor.pop("default_browser_type", None)
    return descriptor


@pytest.fixture(params=["desktop", "phone"])
def form_factor(request: pytest.FixtureRequest) -> str:
    """Run a test on a desktop browser and on an emulated phone."""
    return str(request.param)


@pytest.fixture
def device_context(form_factor: str, new_context: Any, phone: dict[str, Any]) -> BrowserContext:
    """A browser context per device; tracing and failure screenshots come from pytest-playwright."""
    options = phone if form_factor == "phone" else {"viewport": DESKTOP_VIEWPORT}
    context: BrowserContext = new_context(**options)
    return context


@pytest.fixture
def device_page(device_context: BrowserContext) -> Page:
    return device_context.new_page()


@pytest.fixture(scope="session")
def api(target: Target) -> Iterator[BookingApi]:
    """The admin JSON API, signed in: for setting up data and checking what the pages did."""
    if not target.has_admin:
        pytest.skip("the target names no admin credentials")
    with BookingApi(target.base_url) as client:
        response = client.login(target.admin_email or "", target.admin_password or "")
        assert response.status_code == 200, response.text
        yield client


@pytest.fixture
def signed_in(page: Page, target: Target) -> Page:
    if not target.has_admin:
        pytest.skip("the target names no admin credentials")
    page.goto("/schedule")
    LoginPage(page).sign_in(target.admin_email or "", target.admin_password or "")
    page.wait_for_url("**/schedule**")
    return page


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Every alert/confirm/prompt the page opens (dismissed): an XSS test wants none."""
    opened: list[str] = []

    def record(dialog: Any) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
def tz(target: Target, api: BookingApi) -> ZoneInfo:
    """The business's time zone (the tenant's, read from a service)."""
    return service_zone(api, service_id(target, "standard"))


@pytest.fixture
def pending_job(target: Target, api: BookingApi, unique: str) -> dict[str, Any]:
    return book_first_free(
        api, service_id(target, "consultation"), name=f"Pending {unique}", email=f"p-{unique}@example.com"
    )


@pytest.fixture
def make_service(api: BookingApi, unique: str) -> Iterator[Callable[..., dict[str, Any]]]:
    """Create services with the booking settings a case needs (named for this run); each is
    deleted afterwards, so a staging tenant keeps only what it had."""
    made: list[str] = []

    def make(label: str, duration: int, **settings: Any) -> dict[str, Any]:
        body = {"name": f"E2E {label} {unique}", "durationMinutes": duration, "bookingSettings": settings}
        response = api.create_service(body)
        assert response.status_code == 201, response.text
        service = dict(response.json()["service"])
        made.append(service["id"])
        return service

    yield make
    for made_id in made:
        api.delete_service(made_id)
