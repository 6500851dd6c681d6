"""Pure unit tests for capacity.lock_buckets (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_app.capacity import LOCK_BUCKET_SECONDS, lock_buckets

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
US = timedelta(microseconds=1)
BASE = datetime(2030, 1, 9, 9, 0, tzinfo=UTC)
B9 = (BASE - EPOCH) // HOUR  # the bucket of 2030-01-09T09:00Z


def at(hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(2030, 1, 9, hour, minute, second, micro, tzinfo=UTC)


def overlaps(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def buckets_intersect(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> bool:
    (a_first, a_last), (b_first, b_last) = lock_buckets(*a), lock_buckets(*b)
    return a_first <= b_last and b_first <= a_last


def test_bucket_size_is_one_hour() -> None:
    assert LOCK_BUCKET_SECONDS == 3600
    assert lock_buckets(EPOCH, EPOCH + HOUR) == (0, 0)
    assert lock_buckets(EPOCH + HOUR, EPOCH + 2 * HOUR) == (1, 1)
    assert lock_buckets(EPOCH - HOUR, EPOCH) == (-1, -1)
    assert B9 == 21_923 * 24 + 9  # days since the epoch * 24 + 9 hours


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (at(9), at(10), (0, 0)),  # ends exactly on the boundary: not the next bucket
        (at(9), at(10, 0, 0, 1), (0, 1)),  # one microsecond into the next bucket
        (at(9), at(9, 59, 59, 999999), (0, 0)),
        (at(9, 30), at(9, 45), (0, 0)),
        (at(9, 30), at(10, 30), (0, 1)),
        (at(8, 59, 59, 999999), at(10), (-1, 0)),  # starts one microsecond early
        (at(9, 59), at(11, 1), (0, 2)),
        (at(9), at(12), (0, 2)),
        (at(0), at(0) + 24 * HOUR, (-9, 14)),
        (at(10), at(10), (1, 1)),  # empty interval on a boundary keeps its own bucket
        (at(9, 30), at(9, 30), (0, 0)),
    ],
)
def test_examples(start: datetime, end: datetime, expected: tuple[int, int]) -> None:
    first, last = lock_buckets(start, end)
    assert (first - B9, last - B9) == expected


@pytest.mark.parametrize(
    "tz", [timezone(timedelta(hours=-5)), timezone(timedelta(hours=5, minutes=30)), ZoneInfo("Europe/London")]
)
def test_buckets_depend_on_the_instant_not_the_offset(tz: timezone | ZoneInfo) -> None:
    start, end = at(9, 30), at(11)
    assert lock_buckets(start.astimezone(tz), end.astimezone(tz)) == (B9, B9 + 1)


def test_half_hour_offset_zone_uses_utc_hours() -> None:
    # 10:00 in India is 04:30Z: a local-hour-aligned interval straddles two UTC buckets
    ist = timezone(timedelta(hours=5, minutes=30))
    start = datetime(2030, 1, 9, 10, 0, tzinfo=ist)
    first, last = lock_buckets(start, start + HOUR)
    assert last - first == 1
    assert first == (start - EPOCH) // HOUR


def test_adjacent_intervals_do_not_share_a_bucket_on_hour_boundaries() -> None:
    assert not buckets_intersect((at(9), at(10)), (at(10), at(11)))
    assert buckets_intersect((at(9), at(10, 0, 0, 1)), (at(10), at(11)))


def test_microseconds_count_far_in_the_future() -> None:
    start = datetime(2199, 12, 31, 23, 0, tzinfo=UTC)
    assert lock_buckets(start, start + timedelta(hours=1, microseconds=1)) == (
        lock_buckets(start, start + timedelta(hours=1))[0],
        lock_buckets(start, start + timedelta(hours=1))[1] + 1,
    )


def test_disjoint_intervals_in_one_hour_share_a_bucket() -> None:
    # the lock is coarser than overlap: this only serialises the writers, never misses a conflict
    a, b = (at(9), at(9, 20)), (at(9, 30), at(9, 50))
    assert not overlaps(a, b)
    assert buckets_intersect(a, b)


# The whole range the API accepts (checked_instant): integer arithmetic keeps microseconds.
instants = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2199, 1, 1), timezones=st.just(UTC)
)
lengths = st.one_of(
    st.integers(min_value=1, max_value=10**6).map(lambda us: us * US),
    st.integers(min_value=1, max_value=72 * 60).map(lambda m: timedelta(minutes=m)),
)
intervals = st.tuples(instants, lengths).map(lambda t: (t[0], t[0] + t[1]))
hour_aligned = st.tuples(
    st.integers(min_value=-48, max_value=48), st.integers(min_value=1, max_value=24)
).map(lambda t: (BASE + t[0] * HOUR, BASE + (t[0] + t[1]) * HOUR))


@given(intervals)
def test_buckets_cover_exactly_the_touched_hours(interval: tuple[datetime, datetime]) -> None:
    start, end = interval
    first, last = lock_buckets(start, end)
    assert first == (start - EPOCH) // HOUR
    assert last == (end - US - EPOCH) // HOUR  # the bucket holding the last instant before end
    assert first <= last


@given(intervals, intervals)
def test_overlapping_intervals_always_share_a_bucket(
    a: tuple[datetime, datetime], b: tuple[datetime, datetime]
) -> None:
    if overlaps(a, b):
        assert buckets_intersect(a, b)


@given(intervals, st.integers(min_value=0, max_value=10**10))
def test_one_microsecond_of_overlap_shares_a_bucket(interval: tuple[datetime, datetime], reach: int) -> None:
    start, end = interval
    for other in ((start - reach * US, start + US), (end - US, end + reach * US)):
        assert overlaps(interval, other)
        assert buckets_intersect(interval, other)
    # merely touching at an hour boundary takes no common bucket
    boundary = EPOCH + -(-(end - EPOCH) // HOUR) * HOUR  # the first hour boundary at or after end
    assert not buckets_intersect((start, boundary), (boundary, boundary + HOUR))


@given(hour_aligned, hour_aligned)
def test_hour_aligned_intervals_overlap_iff_buckets_intersect(
    a: tuple[datetime, datetime], b: tuple[datetime, datetime]
) -> None:
    assert overlaps(a, b) == buckets_intersect(a, b)
