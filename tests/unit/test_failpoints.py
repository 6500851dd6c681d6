"""Broken variants are read through one failpoint API, at the point they act: never as a
parameter of a domain function, off by default, scoped to the application that set them, and
every catalogued variant is read somewhere."""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType
from typing import Any

from litestar.types import Receive, Scope, Send

import reference_app
from reference_app.failpoints import FailpointScope, failpoint_active, failpoints
from reference_app.faults import KNOWN_FAULTS

APP_ROOT = Path(reference_app.__file__).parent
# The domain: the business's packages and the capacity guard (not HTTP, local stack, operations).
DOMAIN_PACKAGES = ("bookings", "jobs", "services", "auth", "emails", "scheduling", "pages")
DOMAIN_MODULES = ("reference_app.capacity",)
# Words of a switch that exists only to break the service (the old parameters were such).
FAULT_PHRASES = (
    "guarded",
    "after_commit",
    "queue_emails",
    "check_conflicts",
    "ignore_dst",
    "echo_any",
)


def domain_modules() -> list[ModuleType]:
    modules = [importlib.import_module(name) for name in DOMAIN_MODULES]
    for package in DOMAIN_PACKAGES:
        found = pkgutil.iter_modules([str(APP_ROOT / package)], f"reference_app.{package}.")
        modules += [importlib.import_module(info.name) for info in found]
    return modules


def parameter_names(module: ModuleType) -> dict[str, list[str]]:
    """Every parameter (and dataclass field) of the functions and classes defined in module."""
    names: dict[str, list[str]] = {}
    for name, member in vars(module).items():
        if getattr(member, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(member):
            names[name] = list(inspect.signature(member).parameters)
        elif inspect.isclass(member):
            fields = [f.name for f in dataclasses.fields(member)] if dataclasses.is_dataclass(member) else []
            methods = [
                param
                for method in vars(member).values()
                if inspect.isfunction(method)
                for param in inspect.signature(method).parameters
            ]
            names[name] = fields + methods
    return names


def fault_like(name: str) -> bool:
    words = set(name.lower().split("_"))
    return name in KNOWN_FAULTS or bool(words & {"fault", "faults"}) or any(p in name for p in FAULT_PHRASES)


def failpoints_read() -> dict[str, list[str]]:
    """Each name given to failpoint_active(...) in the service's source -> where."""
    read: dict[str, list[str]] = {}
    for path in APP_ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "failpoint_active"
                and node.args
            ):
                arg = node.args[0]
                key = arg.value if isinstance(arg, ast.Constant) else ast.unparse(arg)
                read.setdefault(str(key), []).append(f"{path.relative_to(APP_ROOT)}:{node.lineno}")
    return read


def test_the_domain_takes_no_fault_parameter() -> None:
    modules = domain_modules()
    assert {m.__name__ for m in modules} >= {"reference_app.bookings.service", "reference_app.jobs.service"}
    offending = {
        f"{module.__name__}.{owner}": [n for n in params if fault_like(n)]
        for module in modules
        for owner, params in parameter_names(module).items()
        if any(fault_like(n) for n in params)
    }
    assert offending == {}


def test_the_signature_check_sees_a_fault_parameter() -> None:
    module = ModuleType("example_domain")

    async def book_slot(conn: Any, *, emails_after_commit: bool = False) -> None: ...

    book_slot.__module__ = module.__name__
    module.book_slot = book_slot  # type: ignore[attr-defined]
    assert [n for n in parameter_names(module)["book_slot"] if fault_like(n)] == ["emails_after_commit"]
    assert fault_like("fault") and fault_like("race_lock_per_service") and not fault_like("default")


def test_every_catalogued_fault_is_read_and_every_read_is_catalogued() -> None:
    read = failpoints_read()
    assert set(read) - KNOWN_FAULTS.keys() == set(), "failpoint_active names an uncatalogued fault"
    assert KNOWN_FAULTS.keys() - set(read) == set(), "a catalogued fault is read nowhere"


def test_off_by_default_and_on_only_inside_its_scope() -> None:
    assert not any(failpoint_active(name) for name in KNOWN_FAULTS)
    with failpoints({"race_lock_per_service"}):
        assert failpoint_active("race_lock_per_service")
        assert not failpoint_active("race_lock_first_hour_only")
        with failpoints(()):
            assert not failpoint_active("race_lock_per_service")
    assert not failpoint_active("race_lock_per_service")


def test_two_applications_in_one_process_keep_their_own_sets() -> None:
    seen: dict[str, list[bool]] = {"broken": [], "healthy": []}

    def recorder(label: str) -> Any:
        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            await asyncio.sleep(0)  # the other application's request runs meanwhile
            seen[label].append(failpoint_active("race_emails_after_commit"))

        return app

    broken = FailpointScope(recorder("broken"), frozenset({"race_emails_after_commit"}))
    healthy = FailpointScope(recorder("healthy"), frozenset())

    async def both() -> None:
        scope: Any = {"type": "http"}
        await asyncio.gather(*(app(scope, None, None) for app in (broken, healthy, broken, healthy)))  # type: ignore[arg-type]

    asyncio.run(both())
    assert seen == {"broken": [True, True], "healthy": [False, False]}
