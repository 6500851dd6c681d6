"""The service's Prometheus figures over a period. One scrape of /metrics gives counters since
each server process started; the watch keeps every scrape it takes (a JSON line per scrape in
its state folder), so a period's figures are the difference between the scrape at its start
and the one at its end, and its trend the differences between the scrapes in between. A
counter that went down (a restarted process) counts from zero again, as Prometheus's rate()
does."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from harness.adapters.reference_client import BookingApi
from harness.exit_codes import CannotJudge, first_line
from harness.target import Target

# The families the watch keeps (the reference's names; docs/watch.md says what another system
# must expose instead).
KEPT = ("http_requests", "http_request_duration_seconds", "bookings", "booking_page_views", "job_transitions")

Series = dict[str, float]  # "name|label=value|..." -> value


@dataclass(frozen=True)
class Scrape:
    at: datetime
    servers: Mapping[str, Series]  # base URL -> its series

    def to_line(self) -> str:
        return json.dumps({"at": self.at.isoformat(), "servers": self.servers}, sort_keys=True)

    @classmethod
    def from_line(cls, line: str) -> Scrape:
        data = json.loads(line)
        return cls(datetime.fromisoformat(data["at"]), data["servers"])


def series_key(name: str, labels: Mapping[str, str]) -> str:
    return "|".join([name, *(f"{k}={v}" for k, v in sorted(labels.items()))])


def parse_key(key: str) -> tuple[str, dict[str, str]]:
    name, *pairs = key.split("|")
    return name, dict(pair.split("=", 1) for pair in pairs)


def parse_text(text: str) -> Series:
    kept: Series = {}
    for family in text_string_to_metric_families(text):
        if family.name not in KEPT:
            continue
        for sample in family.samples:
            if not sample.name.endswith("_created"):
                kept[series_key(sample.name, sample.labels)] = float(sample.value)
    return kept


def scrape(target: Target, at: datetime, *, timeout: float = 10.0) -> Scrape:
    """Every server URL of the target, scraped now; CannotJudge in one line when one fails."""
    servers: dict[str, Series] = {}
    for url in dict.fromkeys((target.base_url, *target.urls)):
        with BookingApi(url, timeout=timeout) as api:
            try:
                response = api.metrics(target.metrics_token)
            except httpx.TransportError as exc:
                raise CannotJudge(f"cannot scrape {url} ({type(exc).__name__}: {first_line(exc)})") from None
        if response.status_code in (401, 403):
            raise CannotJudge(
                f"{url} refused the metrics scrape ({response.status_code}): give its token as "
                '"metricsToken" in the target file (or HARNESS_METRICS_TOKEN)'
            )
        if response.status_code != 200:
            raise CannotJudge(f"the metrics scrape of {url} answered {response.status_code}")
        try:
            servers[url] = parse_text(response.text)
        except ValueError as exc:
            raise CannotJudge(
                f"{url} answered the scrape with no Prometheus text ({first_line(exc)})"
            ) from None
    return Scrape(at, servers)


class ScrapeStore:
    """The scrapes of one target (its set of server URLs), one JSON line each."""

    def __init__(self, folder: Path, target: Target) -> None:
        urls = ",".join(sorted({target.base_url, *target.urls}))
        self.path = folder / f"scrapes-{hashlib.sha256(urls.encode()).hexdigest()[:12]}.jsonl"

    def load(self) -> list[Scrape]:
        if not self.path.exists():
            return []
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return sorted((Scrape.from_line(line) for line in lines if line.strip()), key=lambda s: s.at)

    def add(self, taken: Scrape) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(taken.to_line() + "\n")


def difference(before: Scrape | None, after: Scrape) -> Series:
    """What every server counted between the two scrapes, added up (since each process started
    when there is no earlier scrape; from zero for a counter that went down)."""
    total: Series = {}
    for url, series in after.servers.items():
        earlier = before.servers.get(url, {}) if before is not None else {}
        for key, value in series.items():
            base = earlier.get(key, 0.0)
            total[key] = total.get(key, 0.0) + (value - base if value >= base else value)
    return total


def window(scrapes: Iterable[Scrape], since: datetime, end: Scrape) -> list[Scrape]:
    """The scrapes that bound the period's intervals: the last one at or before `since` (else
    the first after it), those in between, and `end`."""
    ordered = [s for s in scrapes if s.at < end.at]
    before = [s for s in ordered if s.at <= since]
    inside = [s for s in ordered if s.at > since]
    return [*before[-1:], *inside, end]
