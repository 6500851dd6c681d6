"""The git commit of a checkout: how the service names the code it runs (`0.1.0+g<commit>`)
and how the checklist knows which commit a target should be running."""

from __future__ import annotations

import subprocess
from pathlib import Path


def checkout_commit(folder: Path) -> str | None:
    """The short commit (12 hex digits) of the git checkout holding `folder`; None outside a
    checkout or without git."""
    try:
        result = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None
