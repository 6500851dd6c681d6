"""The seed's two hard promises over a period: no double-booking (target 0) and mail that
arrives (delivery rate above 95 %)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date

from checklists.watch.model import Metric, cannot_judge, judged, percent, percent_text
from checklists.watch.records import Job, PeriodRecords
from harness.overbooking import Occupancy, find_overbookings

OCCUPYING = frozenset({"pending-confirmation", "scheduled", "in-progress"})
DELIVERY_TARGET = 95.0
LISTED = 20


def _held(job: Job) -> tuple[float, float] | None:
    """When the job held its time, in real time: from its first history row (or always, when
    it has none) until it left the occupying statuses; None when it never visibly held it."""
    held_from = job.history[0].at.timestamp() if job.history else -math.inf
    released = next((c.at for c in job.history if c.to_status not in OCCUPYING), None)
    if released is not None:
        return held_from, released.timestamp()
    return (held_from, math.inf) if job.status in OCCUPYING else None


def double_bookings(records: PeriodRecords) -> Metric:
    by_tenant: dict[str, list[Occupancy]] = defaultdict(list)
    jobs = {job.id: job for job in records.jobs}  # the canary's too: its slot is real time
    for job in records.jobs:
        held = _held(job)
        if held is not None:
            by_tenant[job.tenant_id].append(Occupancy(job.id, job.start, job.end, job.capacity, *held))
    found = [breach for occupancies in by_tenant.values() for breach in find_overbookings(occupancies)]
    per_day = Counter(b.start.astimezone(records.tz).date() for b in found)
    incidents = [
        {
            "from": b.start.isoformat(),
            "until": b.end.isoformat(),
            "capacity": b.capacity,
            "jobs": [
                {
                    "id": jid,
                    "title": jobs[jid].title,
                    "service": records.service_name(jobs[jid].service_id),
                    "status": jobs[jid].status,
                }
                for jid in b.job_ids
            ],
        }
        for b in found
    ]
    named = "; ".join(
        f"{b.start.isoformat()[:16]}: " + ", ".join(f"{jid} ({jobs[jid].title})" for jid in b.job_ids)
        for b in found[:3]
    )
    return Metric(
        "double-booking",
        "Double-booking incidents",
        "0",
        float(len(found)),
        f"{len(found)} incident(s) among {len(records.jobs)} job(s)",
        judged(not found),
        "the capacity audit (harness/overbooking.py) over every job of the period, each counted while it "
        "held its time (from its booking to its release, by its status history)",
        trend=[(d.isoformat(), float(per_day.get(d, 0))) for d in records.period.days(records.tz)],
        trend_unit="incidents",
        evidence={"jobsAudited": len(records.jobs), "incidents": incidents[:LISTED]},
        why=f"over capacity: {named}" if found else "",
    )


def email_delivery(records: PeriodRecords) -> Metric:
    title, target = "Email delivery rate", f"> {DELIVERY_TARGET:g} %"
    reads = (
        "the outbox's emails made in the period by state, and SES's bounces and complaints "
        "(the suppression list)"
    )
    states = Counter(e.state for e in records.emails)
    bounced = [s for s in records.suppressions if s["reason"] == "bounce"]
    complained = [s for s in records.suppressions if s["reason"] == "complaint"]
    decided = states["sent"] + states["dead"] + states["suppressed"]
    if decided == 0:
        why = "no email was sent, given up or suppressed in the period"
        return cannot_judge("email-delivery", title, target, reads, why)
    delivered = states["sent"] - len(bounced)
    rate = percent(delivered, decided)
    assert rate is not None
    days: dict[date, Counter[str]] = defaultdict(Counter)
    for email in records.emails:
        days[email.created_at.astimezone(records.tz).date()][email.state] += 1
    for s in bounced:
        days[s["created_at"].astimezone(records.tz).date()]["bounced"] += 1

    def day_rate(c: Counter[str]) -> float | None:
        return percent(c["sent"] - c["bounced"], c["sent"] + c["dead"] + c["suppressed"])

    ok = rate > DELIVERY_TARGET
    return Metric(
        "email-delivery",
        title,
        target,
        rate,
        f"{percent_text(rate)} ({delivered} of {decided} delivered)",
        judged(ok),
        reads,
        trend=[(d.isoformat(), day_rate(days[d])) for d in records.period.days(records.tz)],
        trend_unit="%",
        evidence={
            "byState": dict(states),
            "stillPending": states["pending"],
            "bounced": sorted(s["email"] for s in bounced)[:LISTED],
            "complained": sorted(s["email"] for s in complained)[:LISTED],
            "suppressedRecipients": sorted({e.recipient for e in records.emails if e.state == "suppressed"})[
                :LISTED
            ],
            "givenUp": [{"id": e.id, "kind": e.kind} for e in records.emails if e.state == "dead"][:LISTED],
        },
        why="" if ok else f"{percent_text(rate)} delivered, not above {DELIVERY_TARGET:g} %",
    )
