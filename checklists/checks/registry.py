"""The named checks a checklist file may refer to: `@check("name")` registers a function, and
`needs=` the capabilities of the target's adapter it cannot judge without (harness/model.py):
the runner reports the item not applicable, naming them, before the check runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from checklists.context import CheckContext
from checklists.model import CheckResult
from harness.model import Capability

CheckFunction = Callable[[CheckContext, Mapping[str, Any]], CheckResult]

CHECKS: dict[str, CheckFunction] = {}
NEEDS: dict[str, frozenset[Capability]] = {}


def check(name: str, *, needs: Iterable[Capability] = ()) -> Callable[[CheckFunction], CheckFunction]:
    def register(function: CheckFunction) -> CheckFunction:
        if name in CHECKS:
            raise RuntimeError(f"check {name!r} is registered twice")
        CHECKS[name] = function
        NEEDS[name] = frozenset(needs)
        return function

    return register
