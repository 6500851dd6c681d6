"""The named checks a checklist file may refer to: `@check("name")` registers a function."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from checklists.context import CheckContext
from checklists.model import CheckResult

CheckFunction = Callable[[CheckContext, Mapping[str, Any]], CheckResult]

CHECKS: dict[str, CheckFunction] = {}


def check(name: str) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise RuntimeError(f"check {name!r} is registered twice")
        CHECKS[name] = function
        return function

    return register
