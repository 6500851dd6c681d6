"""The watch's parts without a server: periods, the difference between two scrapes (a restarted
process counts from zero), percentiles from histogram buckets, the scrapes that bound a
period, and the exit codes of the verdict."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from checklists.__main__ import main
from checklists.watch.api_figures import api_metrics, figures
from checklists.watch.canary import Round, Step, round_address
from checklists.watch.model import Metric, Verdict, quantile
from checklists.watch.period import Period, PeriodError, parse_instant, parse_span
from checklists.watch.report import WatchReport
from checklists.watch.scrapes import Scrape, difference, parse_text, series_key, window
from harness.adapters.reference_paths import MONITORING_ROUTES
from reference_app.http.request_telemetry import BOOKING_ROUTE

T0 = datetime(2026, 5, 1, 12, tzinfo=UTC)
ROUTE = BOOKING_ROUTE


def test_spans_and_instants() -> None:
    assert parse_span("7d") == timedelta(days=7)
    assert parse_span("1d12h") == timedelta(days=1, hours=12)
    assert parse_span("0.2s") == timedelta(seconds=0.2)
    for bad in ("", "7", "7x", "0s", "-1d"):
        with pytest.raises(PeriodError):
            parse_span(bad)
    assert parse_instant("2026-05-01") == datetime(2026, 5, 1, tzinfo=UTC)
    assert parse_instant("2026-05-01", end=True) == datetime(2026, 5, 2, tzinfo=UTC)
    with pytest.raises(PeriodError, match="before it starts"):
        Period(T0, T0 - timedelta(hours=1))


def test_a_periods_local_days() -> None:
    from zoneinfo import ZoneInfo

    period = Period(datetime(2026, 5, 1, 3, tzinfo=UTC), datetime(2026, 5, 3, 3, tzinfo=UTC))
    days = [d.isoformat() for d in period.days(ZoneInfo("America/New_York"))]
    assert days == ["2026-04-30", "2026-05-01", "2026-05-02"]


def sample(requests: float, errors: float = 0, *, le: dict[str, float] | None = None) -> dict[str, float]:
    found = {
        series_key(
            "http_requests_total", {"route": ROUTE, "method": "POST", "status_class": "2xx"}
        ): requests,
        series_key("http_requests_total", {"route": ROUTE, "method": "POST", "status_class": "5xx"}): errors,
        **{  # health checks and scrapes: not the API's traffic
            series_key("http_requests_total", {"route": route, "method": "GET", "status_class": "2xx"}): 50
            for route in MONITORING_ROUTES
        },
    }
    for bound, count in (le or {}).items():
        found[series_key("http_request_duration_seconds_bucket", {"route": ROUTE, "le": bound})] = count
    return found


def test_the_difference_between_scrapes_and_a_restart() -> None:
    before = Scrape(T0, {"a": sample(100, 1), "b": sample(40)})
    after = Scrape(T0 + timedelta(hours=1), {"a": sample(150, 3), "b": sample(10)})  # b restarted
    delta = figures(difference(before, after))
    assert (delta.requests, delta.errors) == (50 + 2 + 10, 2)  # monitoring's routes left out
    since_start = figures(difference(None, after))
    assert (since_start.requests, since_start.errors) == (163, 3)


def test_percentiles_interpolate_within_the_bucket() -> None:
    buckets = {"0.1": 50, "0.5": 90, "1.0": 100, "+Inf": 100}
    found = figures(sample(100, le=buckets))
    found.count = 100
    assert found.quantile(0.5) == pytest.approx(0.1)
    assert found.quantile(0.7) == pytest.approx(0.1 + 0.4 * (20 / 40))
    assert found.quantile(0.95) == pytest.approx(0.5 + 0.5 * 0.5)
    slow = figures(sample(10, le={"0.1": 0, "+Inf": 10}))
    slow.count = 10
    assert slow.quantile(0.99) == 0.1  # beyond the last bound: the last bound


def test_numbers_read_from_prometheus_text() -> None:
    text = (
        "# TYPE http_requests_total counter\n"
        'http_requests_total{route="/x",method="GET",status_class="5xx"} 2.0\n'
        'http_requests_created{route="/x",method="GET",status_class="5xx"} 1.7e9\n'
        "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 4.0\n"
    )
    assert parse_text(text) == {"http_requests_total|method=GET|route=/x|status_class=5xx": 2.0}


def test_the_scrapes_that_bound_a_period() -> None:
    scrapes = [Scrape(T0 + timedelta(hours=h), {}) for h in (0, 2, 4, 6)]
    end = Scrape(T0 + timedelta(hours=8), {})
    assert [s.at.hour for s in window(scrapes, T0 + timedelta(hours=3), end)] == [14, 16, 18, 20]
    assert [s.at.hour for s in window(scrapes, T0 - timedelta(days=1), end)] == [12, 14, 16, 18, 20]
    assert window([], T0, end) == [end]


def test_no_request_in_the_period_cannot_be_judged() -> None:
    quiet = Scrape(T0, {"a": sample(0)})
    errors, timing = api_metrics([quiet, Scrape(T0 + timedelta(hours=1), {"a": sample(0)})])
    assert errors.verdict is timing.verdict is Verdict.CANNOT_JUDGE
    bad = api_metrics(
        [Scrape(T0, {"a": sample(100)}), Scrape(T0 + timedelta(hours=1), {"a": sample(150, 1)})]
    )
    assert (bad[0].value, bad[0].verdict) == (pytest.approx(100 / 51), Verdict.BREACHED)
    assert bad[1].verdict is Verdict.CANNOT_JUDGE  # requests counted, but no latency histogram


def test_quantile_by_linear_interpolation() -> None:
    assert quantile([1.0, 3.0, 5.0], 0.5) == 3.0
    assert quantile([1.0, 3.0, 5.0], 0.9) == pytest.approx(4.6)
    assert quantile([], 0.5) is None


def metric(verdict: Verdict, gated: bool = True) -> Metric:
    return Metric("m", "M", "0" if gated else None, 1.0, "1", verdict, "reads")


@pytest.mark.parametrize(
    ("verdicts", "gate", "code"),
    [
        ([Verdict.MET, Verdict.NO_TARGET], True, 0),
        ([Verdict.MET, Verdict.BREACHED], False, 0),
        ([Verdict.MET, Verdict.BREACHED], True, 1),
        ([Verdict.CANNOT_JUDGE, Verdict.BREACHED], True, 1),
        ([Verdict.CANNOT_JUDGE, Verdict.MET], True, 2),
        ([Verdict.CANNOT_JUDGE], False, 0),
    ],
)
def test_exit_codes(verdicts: list[Verdict], gate: bool, code: int, tmp_path: Path) -> None:
    report = WatchReport(
        "http://x", Period(T0, T0 + timedelta(days=1)), T0, tmp_path, [metric(v) for v in verdicts]
    )
    assert report.exit_code(gate=gate) == code


def test_a_failed_canary_round_is_exit_1_whatever_the_gate(tmp_path: Path) -> None:
    failed = Round(1, T0, "c@x", [Step("book", False, 0.1, "HTTP 503")])
    report = WatchReport("http://x", Period(T0, T0 + timedelta(days=1)), T0, tmp_path, [], [failed])
    assert report.exit_code(gate=False) == 1
    assert (
        failed.alert_line().startswith("canary ALERT round 1")
        and "failed at book: HTTP 503" in failed.alert_line()
    )
    assert math.isclose(report.all_metrics[-1].value or 0, 1.0)


def test_round_addresses() -> None:
    assert round_address("success+canary@simulator.amazonses.com", "ab-1") == (
        "success+canary-ab-1@simulator.amazonses.com"
    )
    assert round_address("ops@example.com", "ab-1") == "ops+ab-1@example.com"


def test_bad_period_options_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--base-url", "http://127.0.0.1:9", "--from", "2026-13-01"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "watch: expects a date (2026-05-01) or an ISO instant, got '2026-13-01'"
    ]
    assert main(["watch", "--base-url", "http://127.0.0.1:9", "--until", "2026-05-01"]) == 2
    assert "--until goes with --from" in capsys.readouterr().err
    assert main(["watch", "--base-url", "http://127.0.0.1:9", "--since", "999999d"]) == 2
    assert "reaches before the calendar's start" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["watch", "--since", "7x"])
    assert stopped.value.code == 2
