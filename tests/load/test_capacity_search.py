"""The capacity search on a synthetic latency curve, and the command's refusals: no server,
no Locust."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from load.__main__ import main
from load.benchmark.capacity_search import CapacitySearch, Measurement, Slo, SloError

SLO = Slo.parse("p99<100ms,fail<1%")


def queueing_curve(knee: float) -> Callable[[int], Measurement]:
    """Latency of a single queue: flat at low load, climbing steeply as load nears `knee`."""

    def measure(users: int) -> Measurement:
        utilisation = min(users / knee, 0.999)
        p99 = 20 / (1 - utilisation)  # 20 ms when idle; 100 ms at 80 % of the knee
        return Measurement(
            users=users,
            requests_per_s=users * 4.0,
            bookings_per_s=users * 0.8,
            p50_ms=p99 / 4,
            p95_ms=p99 / 1.5,
            p99_ms=p99,
            failure_ratio=0.0 if utilisation < 0.95 else 0.05,
            audit_ok=True,
        )

    return measure


def run_search(search: CapacitySearch, measure: Callable[[int], Measurement]) -> list[int]:
    tried = []
    while (users := search.next_users()) is not None:
        assert users not in tried, f"step {users} measured twice"
        tried.append(users)
        search.record(measure(users))
        assert len(tried) < 50, "the search does not end"
    return tried


def true_capacity(knee: float) -> int:
    """The highest whole number of users whose p99 stays below 100 ms on the curve."""
    curve = queueing_curve(knee)
    return max(u for u in range(1, int(knee) + 1) if SLO.met(curve(u)))


@pytest.mark.parametrize("knee", [37.0, 150.0, 520.0, 1000.0])
def test_finds_the_capacity_within_the_resolution(knee: float) -> None:
    search = CapacitySearch(SLO, start_users=20, max_users=2000, resolution=0.05)
    tried = run_search(search, queueing_curve(knee))
    best = search.capacity()
    expected = true_capacity(knee)
    assert best is not None and best.users <= expected
    assert expected - best.users <= max(1, int(best.users * 0.05)), (tried, expected)
    # It raised, then narrowed: the steps before the first failure only grew.
    first_fail = next(i for i, u in enumerate(tried) if not SLO.met(queueing_curve(knee)(u)))
    assert tried[:first_fail] == sorted(tried[:first_fail])


def test_never_exceeds_the_ceiling_and_says_the_capacity_is_at_least_it() -> None:
    search = CapacitySearch(SLO, start_users=20, max_users=90, resolution=0.05)
    tried = run_search(search, queueing_curve(10_000.0))
    assert max(tried) == 90 and all(u <= 90 for u in tried)
    assert search.ceiling_reached()
    best = search.capacity()
    assert best is not None and best.users == 90


def test_a_start_that_fails_narrows_downwards() -> None:
    search = CapacitySearch(SLO, start_users=100, max_users=400, resolution=0.05)
    run_search(search, queueing_curve(30.0))
    best = search.capacity()
    assert best is not None and best.users == true_capacity(30.0)


def test_nothing_meets_the_slo_when_even_one_user_breaks_it() -> None:
    search = CapacitySearch(Slo.parse("p99<5ms"), start_users=20, max_users=400)
    tried = run_search(search, queueing_curve(100.0))
    assert search.capacity() is None and 1 in tried


def test_a_failed_audit_is_never_capacity() -> None:
    def wrong_answers(users: int) -> Measurement:
        m = queueing_curve(1000.0)(users)
        return Measurement(**{**m.__dict__, "audit_ok": users < 50})

    search = CapacitySearch(SLO, start_users=20, max_users=400, resolution=0.05)
    run_search(search, wrong_answers)
    best = search.capacity()
    assert best is not None and 47 <= best.users < 50
    assert "audit failed" in SLO.breaches(wrong_answers(60))


def test_a_step_above_the_ceiling_is_refused() -> None:
    search = CapacitySearch(SLO, start_users=20, max_users=40)
    with pytest.raises(ValueError, match="exceeds the ceiling"):
        search.record(queueing_curve(100.0)(41))


@pytest.mark.parametrize(
    ("text", "limits"),
    [
        ("p99<100ms,fail<1%", [("p99", "<", 100.0), ("fail", "<", 0.01)]),
        ("p95 <= 0.5s", [("p95", "<=", 500.0)]),
        ("P50<20MS, fail<0.02", [("p50", "<", 20.0), ("fail", "<", 0.02)]),
    ],
)
def test_slo_parses(text: str, limits: list[tuple[str, str, float]]) -> None:
    assert [(t.metric, t.op, t.limit) for t in Slo.parse(text).terms] == limits


@pytest.mark.parametrize("text", ["", "p90<100ms", "p99>100ms", "fail<5ms", "p99<1%", "p99<fast"])
def test_bad_slo_is_a_clear_error(text: str) -> None:
    with pytest.raises(SloError):
        Slo.parse(text)


def test_breaches_name_the_term_and_the_measurement() -> None:
    m = queueing_curve(100.0)(90)
    assert SLO.breaches(m) == ["p99<100ms (measured 200 ms)"]


def test_capacity_against_a_remote_target_needs_a_ceiling(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["capacity", "--scenario", "mix", "--base-url", "https://staging.example.com"]) == 2
    assert "--max-users" in capsys.readouterr().err


def test_capacity_with_a_bad_slo_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["capacity", "--scenario", "mix", "--slo", "p99>100ms", "--max-users", "10"]) == 2
    assert "cannot read SLO term" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--step-seconds", "0"], "--step-seconds must be at least 1"),
        (["--growth", "1"], "growth must be above 1"),
        (["--start-users", "50", "--max-users", "10"], "below the start"),
    ],
)
def test_capacity_options_are_checked_before_any_load(
    capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    assert main(["capacity", "--scenario", "race", *options]) == 2
    assert message in capsys.readouterr().err
