"""Which code is running: APP_VERSION when the deployment sets it, else the package version
plus the git commit of the source tree when there is one (`0.1.0+gabc1234`)."""

from __future__ import annotations

import subprocess
from functools import cache
from pathlib import Path

from reference_app import __version__


@cache
def source_commit() -> str | None:
    """The short commit of the checkout the package runs from; None outside a git checkout."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None


def running_version(app_version: str | None) -> str:
    if app_version:
        return app_version
    commit = source_commit()
    return f"{__version__}+g{commit}" if commit else __version__
