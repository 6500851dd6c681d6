"""Which browser binaries the suite drives: the machine's own, never one Playwright downloads.

Two engines: Chromium through Playwright (Debian's `chromium`), and WebKitGTK through Selenium
WebDriver (Debian's `webkit2gtk-driver`: WebKitWebDriver driving WebKit's MiniBrowser, under
an Xvfb display)."""

from __future__ import annotations

import glob
import os
import shutil
from dataclasses import dataclass
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


WEBKIT_INSTALL_LINE = "apt-get install webkit2gtk-driver xvfb"
# Debian's libwebkit2gtk ships its MiniBrowser here (the 4.1 API today, 4.0 on older releases).
MINIBROWSER_GLOB = "/usr/lib/*-linux-gnu/webkit2gtk-4.*/MiniBrowser"


@dataclass(frozen=True)
class WebKitGtk:
    """What a WebKitGTK session needs: the WebDriver, the browser it drives, an X server."""

    driver: str
    browser: str
    xvfb: str


def find_webkitgtk() -> WebKitGtk | str:
    """The machine's WebKitGTK parts (WEBKIT_WEBDRIVER_PATH / WEBKIT_MINIBROWSER_PATH override
    the Debian paths), or why the engine cannot run here, with the install line."""
    driver = os.environ.get("WEBKIT_WEBDRIVER_PATH") or shutil.which("WebKitWebDriver") or ""
    explicit = os.environ.get("WEBKIT_MINIBROWSER_PATH")
    browser = explicit or max(glob.glob(MINIBROWSER_GLOB), default="")
    xvfb = shutil.which("Xvfb") or ""
    parts = (("WebKitWebDriver", driver), ("WebKit's MiniBrowser", browser), ("Xvfb", xvfb))
    missing = [name for name, path in parts if not path or not os.access(path, os.X_OK)]
    if missing:
        return (
            f"webkitgtk cannot run on this machine: no {', no '.join(missing)} found; install Debian's "
            f"packages ({WEBKIT_INSTALL_LINE}); these tests never download a browser"
        )
    return WebKitGtk(driver, browser, xvfb)
