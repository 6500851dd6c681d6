"""Which code is running: APP_VERSION when the deployment sets it, else the package version
plus the git commit of the source tree when there is one (`0.1.0+gabc1234`)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from harness.checkout import checkout_commit
from reference_app import __version__


@cache
def source_commit() -> str | None:
    """The short commit of the checkout the package runs from; None outside a git checkout."""
    return checkout_commit(Path(__file__).resolve().parent)


def running_version(app_version: str | None) -> str:
    if app_version:
        return app_version
    commit = source_commit()
    return f"{__version__}+g{commit}" if commit else __version__
