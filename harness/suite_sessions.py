"""Options for the pytest sessions the harness starts to run a suite (the checklist's browser and
lifecycle runs, the browser teeth's runs against broken services).

pytest loads every plugin installed beside it; the harness's own extras install several that no
suite uses (Faker's, Schemathesis's, AnyIO's; Hypothesis's for the browser suites). Loading them
cost each such session about 5 s of CPU before its first test, spent again in every session a
checklist run starts. The suites' sessions block them by name (`-p no:NAME`, which also holds
when a plugin is not installed) and keep no cache between runs.
"""

from __future__ import annotations

_NO_CACHE = ("-p", "no:cacheprovider")
_UNUSED_BY_EVERY_SUITE = ("faker", "schemathesis", "anyio")


def _blocking(*plugins: str) -> tuple[str, ...]:
    return tuple(option for name in plugins for option in ("-p", f"no:{name}"))


# The browser suites (e2e/): Playwright, pytest-html, pytest-timeout, xdist.
E2E_SESSION_OPTIONS = (*_NO_CACHE, *_blocking(*_UNUSED_BY_EVERY_SUITE, "hypothesispytest"))
# The property suites (properties/): Hypothesis's plugin stays (its profiles and statistics).
PROPERTIES_SESSION_OPTIONS = (*_NO_CACHE, *_blocking(*_UNUSED_BY_EVERY_SUITE))
