"""The business side of the seed's success metrics, from the period's jobs: bookings made by
service and day, the booking conversion, staff confirmation response time and the no-show rate.
The seed names no target for these: they are measured and shown, never gated. The canary's
service is left out (its bookings are the watch's own)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from statistics import median

from checklists.watch.model import (
    Metric,
    Verdict,
    cannot_judge,
    duration_text,
    percent,
    percent_text,
    quantile,
)
from checklists.watch.records import Job, PeriodRecords

# A past job in one of these had its time come: it was attended, is under way, or was missed.
CAME_DUE = ("completed", "in-progress", "scheduled", "no-show")
SLOWEST_SHOWN = 5


def _day(instant: datetime, records: PeriodRecords) -> date:
    return instant.astimezone(records.tz).date()


def _bookings(records: PeriodRecords) -> list[Job]:
    return [
        j for j in records.business_jobs() if j.source == "booking" and records.period.holds(j.created_at)
    ]


def bookings_made(records: PeriodRecords) -> Metric:
    made = _bookings(records)
    by_day = Counter(_day(j.created_at, records) for j in made)
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for (service, day), count in sorted(
        Counter((records.service_name(j.service_id), _day(j.created_at, records)) for j in made).items()
    ):
        table[service][day.isoformat()] = count
    admin = sum(
        1 for j in records.business_jobs() if j.source == "admin" and records.period.holds(j.created_at)
    )
    return Metric(
        "bookings",
        "Bookings made, by service and day",
        None,
        float(len(made)),
        f"{len(made)} booking(s)",
        Verdict.NO_TARGET,
        "jobs made by public booking in the period (jobs.source = 'booking', created_at), by service "
        f"and the business's local day ({records.tz.key})",
        trend=[(d.isoformat(), float(by_day.get(d, 0))) for d in records.period.days(records.tz)],
        trend_unit="bookings",
        evidence={"byServiceAndDay": dict(table), "staffMadeJobs": admin},
    )


def conversion(records: PeriodRecords) -> Metric:
    title, reads = (
        "Booking conversion (pages opened vs bookings made)",
        ("booking pages served (booking_page_views, per service and hour) against the bookings made"),
    )
    views: Counter[str] = Counter()
    views_by_day: Counter[date] = Counter()
    for row in records.page_views:
        if row["service_id"] != records.excluded_service:
            views[row["service_id"]] += row["views"]
            views_by_day[_day(row["hour"], records)] += row["views"]
    made = _bookings(records)
    if not views:
        why = "no booking page was served in the period: nothing to convert"
        return cannot_judge("conversion", title, None, reads, why)
    booked = Counter(j.service_id or "" for j in made)
    booked_by_day = Counter(_day(j.created_at, records) for j in made)
    rate = percent(len(made), sum(views.values()))
    per_service = {
        records.service_name(sid): {
            "pagesOpened": views.get(sid, 0),
            "bookingsMade": booked.get(sid, 0),
            "conversion": percent_text(percent(booked.get(sid, 0), views.get(sid, 0))),
        }
        for sid in sorted(set(views) | set(booked))
    }
    return Metric(
        "conversion",
        title,
        None,
        rate,
        f"{percent_text(rate)} ({len(made)} of {sum(views.values())} pages opened)",
        Verdict.NO_TARGET,
        reads,
        trend=[
            (d.isoformat(), percent(booked_by_day[d], views_by_day[d]))
            for d in records.period.days(records.tz)
        ],
        trend_unit="%",
        evidence={"byService": per_service},
    )


def confirmation_time(records: PeriodRecords, now: datetime) -> Metric:
    title = "Staff confirmation response time (pending to confirmed or declined)"
    reads = "each job's status history: from its move to pending-confirmation to the move out of it"
    answered: list[tuple[datetime, float, str]] = []  # (waiting since, seconds, the answer)
    still_open: list[tuple[float, Job, datetime]] = []
    end = min(now, records.period.until)
    for job in records.business_jobs():
        waited = next((c.at for c in job.history if c.to_status == "pending-confirmation"), None)
        if waited is None or not records.period.holds(waited):
            continue
        answer = next(
            (c for c in job.history if c.from_status == "pending-confirmation" and c.at >= waited), None
        )
        if answer is not None:
            answered.append((waited, (answer.at - waited).total_seconds(), answer.to_status))
        elif job.status == "pending-confirmation":
            still_open.append(((end - waited).total_seconds(), job, waited))
    if not answered and not still_open:
        return cannot_judge(
            "confirmation-time", title, None, reads, "no booking waited for confirmation in the period"
        )
    seconds = [s for _, s, _ in answered]
    mid, p90 = (median(seconds) if seconds else None), quantile(seconds, 0.9)
    by_day: dict[date, list[float]] = defaultdict(list)
    for waited, spent, _ in answered:
        by_day[_day(waited, records)].append(spent)
    slowest = sorted(still_open, key=lambda item: -item[0])[:SLOWEST_SHOWN]
    return Metric(
        "confirmation-time",
        title,
        None,
        mid,
        f"median {duration_text(mid)}, p90 {duration_text(p90)}; {len(still_open)} still waiting",
        Verdict.NO_TARGET,
        reads,
        trend=[
            (d.isoformat(), median(by_day[d]) / 3600 if by_day[d] else None)
            for d in records.period.days(records.tz)
        ],
        trend_unit="hours (median)",
        evidence={
            "answered": len(answered),
            "confirmed": sum(1 for *_, to in answered if to == "scheduled"),
            "declined": sum(1 for *_, to in answered if to == "cancelled"),
            "medianSeconds": mid,
            "p90Seconds": p90,
            "stillWaiting": len(still_open),
            "slowestStillWaiting": [
                {
                    "jobId": j.id,
                    "title": j.title,
                    "service": records.service_name(j.service_id),
                    "waitingSince": at.isoformat(),
                    "waitingSeconds": round(wait),
                }
                for wait, j, at in slowest
            ],
        },
    )


def no_show_rate(records: PeriodRecords, now: datetime) -> Metric:
    title = "No-show rate"
    reads = (
        "jobs whose start time came in the period: no-show against completed, under way and still scheduled"
    )
    due = [
        j
        for j in records.business_jobs()
        if records.period.holds(j.start) and j.start <= now and j.status in CAME_DUE
    ]
    if not due:
        return cannot_judge("no-show", title, None, reads, "no job's time came in the period")
    missed = [j for j in due if j.status == "no-show"]
    rate = percent(len(missed), len(due))
    by_day: dict[date, list[Job]] = defaultdict(list)
    for job in due:
        by_day[_day(job.start, records)].append(job)
    return Metric(
        "no-show",
        title,
        None,
        rate,
        f"{percent_text(rate)} ({len(missed)} of {len(due)})",
        Verdict.NO_TARGET,
        reads,
        trend=[
            (d.isoformat(), percent(sum(j.status == "no-show" for j in by_day[d]), len(by_day[d])))
            for d in records.period.days(records.tz)
        ],
        trend_unit="%",
        evidence={
            "byStatus": dict(Counter(j.status for j in due)),
            "unmarked": sum(1 for j in due if j.status == "scheduled"),
            "noShows": [{"jobId": j.id, "title": j.title, "start": j.start.isoformat()} for j in missed[:20]],
        },
    )
