"""Which browser binaries the suite drives: the machine's own, never one Playwright downloads."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Root on a closed network: no sandbox (it needs user namespaces), and nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "install Debian's package (apt-get install -y chromium) or point CHROMIUM_PATH at a Chromium "
    "binary; these tests never download a browser"
)


def find_chromium() -> str | None:
    """CHROMIUM_PATH, else Debian's /usr/bin/chromium, else whatever Chromium is on PATH."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def engine_missing(name: str) -> str:
    """Why a run on this engine is skipped, and how a machine gets it."""
    return (
        f"{name} is not installed on this machine and these tests never download browsers; on a "
        f"machine allowed to download, run `playwright install {name}` (once), then `--browser {name}`"
    )
