"""Releasing several browsers' requests together, for the race and burst cases."""

from __future__ import annotations

import time

from playwright.sync_api import Page, Route


class Barrier:
    """Holds each page's booking request in the browser until every racer has sent one, then
    lets them all go: the requests leave together, never staggered by a sleep."""

    def __init__(self, parties: int) -> None:
        self.parties = parties
        self.held: list[Route] = []

    def hold(self, route: Route) -> None:
        self.held.append(route)

    def wait_and_release(self, page: Page, timeout: float = 30.0) -> None:
        # Route handlers run only while this thread waits inside a Playwright call: the short
        # waits let them run; the order of the requests is set by the release, not by time.
        deadline = time.monotonic() + timeout
        while len(self.held) < self.parties:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.held)} of {self.parties} booking requests were sent")
            page.wait_for_timeout(5)
        for route in self.held:
            route.continue_()
