"""Which adapter speaks to the target: a registered name, or any importable `module:Class`.

The target file's "adapter" (environment HARNESS_ADAPTER) names it; "reference" is the default.
A team keeps its adapter in its own repository and names it as `its_package.module:Class`:
the harness is installed unchanged. An adapter class is built by its classmethod
`from_target(target, options)` when it has one, else called as `Class(target, options)`,
`options` being the target file's "adapterOptions" object, and must implement
`harness.model.BookingSystem`. It may also have:

- `preflight() -> str`: prove in seconds that the target can be judged, return one line saying
  what was found, raise `CannotJudge` with one line otherwise;
- `candidate_slots(service_id, first, last) -> Sequence[Slot]` (harness.model.ProposesSlots):
  the slots a race may aim at, for a system that cannot list its free slots (no
  "availability" capability).

A name that resolves to nothing, or to a class that is not an adapter, is `AdapterError`: one
line, exit code 2 (harness/exit_codes.py).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from typing import Any

from harness.exit_codes import CannotJudge, first_line
from harness.model import BookingSystem
from harness.target import Target

REFERENCE = "reference"
REGISTERED: Mapping[str, str] = {
    REFERENCE: "harness.adapters.reference:ReferenceApi",
    "django-appointment": "harness.adapters.django_appointment:DjangoAppointment",
}
# What a class must have before it is worth constructing (name and capabilities may be set
# by its constructor, so they are checked on the instance).
_OPERATIONS = ("services", "availability", "prepare_booking", "final_state", "close")
_FIX = 'set "adapter" in the target file (or HARNESS_ADAPTER)'


class AdapterError(CannotJudge):
    """The target names no usable adapter (one line: which, why, and how to fix it)."""


def adapter_class(name: str) -> type[Any]:
    """The class a registered name or a `module:Class` names; AdapterError otherwise."""
    spec = REGISTERED.get(name, name)
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name or not class_name.isidentifier():
        raise AdapterError(
            f"unknown adapter {name!r}: name one of {sorted(REGISTERED)} or an importable "
            f"module:Class; {_FIX}"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise AdapterError(
            f"adapter {name!r}: cannot import {module_name} ({first_line(exc)}); install it or {_FIX}"
        ) from None
    found = getattr(module, class_name, None)
    if not inspect.isclass(found):
        raise AdapterError(f"adapter {name!r}: {module_name} has no class {class_name}; {_FIX}")
    lacking = [op for op in _OPERATIONS if not callable(getattr(found, op, None))]
    if lacking:
        raise AdapterError(
            f"adapter {name!r}: {spec} is not a booking-system adapter (it lacks {', '.join(lacking)}); "
            "see harness/model.py BookingSystem"
        )
    return found


def open_adapter(target: Target) -> BookingSystem:
    """The adapter the target names, constructed for it (the caller closes it)."""
    cls = adapter_class(target.adapter)
    options = dict(target.adapter_options)
    factory = getattr(cls, "from_target", None)
    try:
        system = factory(target, options) if callable(factory) else cls(target, options)
    except ValueError as exc:  # the adapter's own word on what the target lacks
        raise AdapterError(f"adapter {target.adapter!r}: {exc}") from None
    if not isinstance(system, BookingSystem):
        system_close = getattr(system, "close", None)
        if callable(system_close):
            system_close()
        raise AdapterError(
            f"adapter {target.adapter!r}: an instance of {cls.__name__} lacks a name or its "
            "capabilities; see harness/model.py BookingSystem"
        )
    return system


def adapter_preflight(system: BookingSystem) -> str:
    """The adapter's own preflight line (CannotJudge with one line when it fails)."""
    hook = getattr(system, "preflight", None)
    return str(hook()) if callable(hook) else f"{system.name} has no preflight of its own"
