"""A WebKitGTK browser driven through Selenium WebDriver: Debian's WebKitWebDriver starting
WebKit's MiniBrowser on an Xvfb display of its own (Xvfb picks a free display number)."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator

from selenium import webdriver
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

from e2e.browsers import WebKitGtk

SCREEN = "1280x900x24"
XVFB_START_SECONDS = 30


@contextlib.contextmanager
def xvfb_display(xvfb: str) -> Iterator[str]:
    """A private X display, e.g. ":3", for the block; stopped afterwards. `-displayfd` has
    Xvfb choose a free display and report it, so runs side by side never collide."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [xvfb, "-displayfd", str(write_end), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as reader:
            number = reader.readline().decode().strip()
        if not number:
            server.wait(XVFB_START_SECONDS)
            raise RuntimeError(f"Xvfb ({xvfb}) exited with code {server.returncode} before opening a display")
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextlib.contextmanager
def webkitgtk_driver(parts: WebKitGtk) -> Iterator[webdriver.WebKitGTK]:
    """A Selenium session on MiniBrowser (in automation mode), quit afterwards."""
    with xvfb_display(parts.xvfb) as display:
        options = Options()
        options.binary_location = parts.browser
        options.add_argument("--automation")
        service = Service(executable_path=parts.driver, env={**os.environ, "DISPLAY": display})
        driver = webdriver.WebKitGTK(options=options, service=service)
        try:
            yield driver
        finally:
            driver.quit()
