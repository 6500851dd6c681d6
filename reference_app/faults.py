"""Deliberately broken variants of the reference service, named and off by default.

They exist so the harness can prove each of its checks catches the fault it is for (a race
audit that passes on a service that double-books is worthless). A variant is switched on only
with both `BOOKING_FAULTS=name,name` and `BOOKING_FAULTS_ALLOWED=break-this-service`; naming
faults without that second variable, or naming an unknown fault, stops the service at start-up
with an error (never a silent "off"). A service running with faults logs a loud warning and
names them in `GET /health`, so no checklist can mistake it for a healthy one.
"""

from __future__ import annotations

from collections.abc import Mapping

ALLOW_VALUE = "break-this-service"

# name -> what the variant breaks. Each caller checks `settings.has_fault(name)` at one place.
KNOWN_FAULTS: dict[str, str] = {
    "checklist_dashboard_link_internal_host": (
        "contractor emails link to an internal host instead of PUBLIC_APP_URL (emails/sender.py)"
    ),
}


class FaultConfigError(ValueError):
    """Faults were named without the explicit allowance, or a name is unknown."""


def parse_faults(env: Mapping[str, str]) -> frozenset[str]:
    raw = env.get("BOOKING_FAULTS", "").strip()
    if not raw:
        return frozenset()
    names = frozenset(part.strip() for part in raw.split(",") if part.strip())
    unknown = sorted(names - KNOWN_FAULTS.keys())
    if unknown:
        known = sorted(KNOWN_FAULTS)
        raise FaultConfigError(f"BOOKING_FAULTS names unknown faults {unknown}; known: {known}")
    if env.get("BOOKING_FAULTS_ALLOWED") != ALLOW_VALUE:
        raise FaultConfigError(
            f"BOOKING_FAULTS={raw!r} breaks the service on purpose; it is honoured only with "
            f"BOOKING_FAULTS_ALLOWED={ALLOW_VALUE} (for the harness's own teeth tests, never production)"
        )
    return names


def fault_env(*names: str) -> dict[str, str]:
    """The environment that starts a service with these faults (for the harness's tests)."""
    return {"BOOKING_FAULTS": ",".join(names), "BOOKING_FAULTS_ALLOWED": ALLOW_VALUE}
