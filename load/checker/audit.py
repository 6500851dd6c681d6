"""The checker: judge a run's history against the final state, after the run.

Per time of the calendar, active jobs never exceed the capacities of their services (in the
final state, and while the run went on, reschedules and cancellations included). Active means
occupying the slot: pending, scheduled and in-progress (a started job still holds its time);
completed and cancelled (declined) jobs free it. Every
acknowledged booking exists, and (read from the database) has its emails in the outbox; no
job exists that only rejected requests asked for; retries of one request made at most one
job; indeterminate requests are reported with what became of them. A failed check lists
minimal evidence: the over-filled time, the job ids, the requests.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.overbooking import Occupancy, Overbooking, find_overbookings
from load.checker.final_state import FinalState, JobRecord, parse_instant
from load.checker.operations import RELEASING, Operation, booking_ops, request_of_email

MAX_EVIDENCE = 5


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    count: int
    evidence: list[dict[str, Any]] = field(default_factory=list)
    informational: bool = False  # reported, never fails the verdict

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ok": self.ok,
            "count": self.count,
            "informational": self.informational,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Verdict:
    ok: bool
    run_id: str
    source: str
    counts: dict[str, int]
    checks: list[Check]

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    @property
    def bookings_judged(self) -> int:
        """Booking attempts of the history the audit judged, whatever their answer."""
        return sum(n for key, n in self.counts.items() if key.startswith("book:"))

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "runId": self.run_id,
            "finalStateSource": self.source,
            "counts": self.counts,
            "checks": [c.to_json() for c in self.checks],
        }


def _job_json(job: JobRecord) -> dict[str, Any]:
    return {
        "id": job.id,
        "serviceId": job.service_id,
        "start": job.start.isoformat(),
        "end": job.end.isoformat(),
        "status": job.status,
        "contact": job.contact_email,
    }


class _Index:
    def __init__(self, ops: Sequence[Operation], state: FinalState, run_id: str) -> None:
        self.books = list(booking_ops(ops))
        self.by_job: dict[str, list[Operation]] = defaultdict(list)
        self.by_request: dict[str, list[Operation]] = defaultdict(list)
        for op in self.books:
            if op.job_id:
                self.by_job[op.job_id].append(op)
            if op.request_id:
                self.by_request[op.request_id].append(op)
        self.jobs_by_request: dict[str, list[JobRecord]] = defaultdict(list)
        for job in state.jobs.values():
            request = request_of_email(job.contact_email, run_id)
            if request is not None:
                self.jobs_by_request[request].append(job)
        self.request_of_job = {j.id: r for r, jobs in self.jobs_by_request.items() for j in jobs}
        # Admin operations on existing jobs: reschedules, confirms, cancels, declines, starts
        # and completions.
        self.moves_by_job: dict[str, list[Operation]] = defaultdict(list)
        for op in ops:
            if op.kind not in ("book", "create") and op.job_id:
                self.moves_by_job[op.job_id].append(op)

    def timeline(self) -> dict[str, list[Operation]]:
        """Per job, the operations that created or moved it, in the order they began."""
        events: dict[str, list[Operation]] = defaultdict(list)
        for job_id, ops in self.by_job.items():
            events[job_id].extend(ops)
        for job_id, ops in self.moves_by_job.items():
            events[job_id].extend(op for op in ops if op.kind in RELEASING)
        return {job_id: sorted(ops, key=lambda o: (o.start, o.end)) for job_id, ops in events.items()}

    def requests_for(self, job_ids: Iterable[str]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for job_id in job_ids:
            ops = self.by_job.get(job_id) or self.by_request.get(self.request_of_job.get(job_id, ""), [])
            moves = [op for op in self.moves_by_job.get(job_id, []) if op.outcome == "ok"]
            moved = [op for op in moves if op.kind == "reschedule"]
            # A start the service acknowledged: the job was under way while it held the time.
            started = [op for op in moves if op.kind == "start"]
            found.extend(op.describe() for op in [*ops[:2], *moved[:2], *started[:1]])
        return found


def _overbooking_evidence(breach: Overbooking, index: _Index) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "slot": {"start": breach.start.isoformat(), "end": breach.end.isoformat()},
        "capacity": breach.capacity,
        "jobIds": list(breach.job_ids),
        "requests": index.requests_for(breach.job_ids),
    }
    if breach.at is not None:
        evidence["allActiveAt"] = breach.at
    return evidence


def _check(
    name: str, problems: list[dict[str, Any]], *, informational: bool = False, count: int | None = None
) -> Check:
    return Check(
        name=name,
        ok=informational or not problems,
        count=len(problems) if count is None else count,
        evidence=problems[:MAX_EVIDENCE],
        informational=informational,
    )


def _this_run_first(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Over-booked times this run's requests made before those it only found (left by earlier
    runs on the same calendar): the evidence kept is the one the run can show how it happened.
    Stable, so each group keeps its order in time."""
    return sorted(problems, key=lambda p: not p.get("requests"))


def per_calendar(occupancies: Iterable[tuple[str, Occupancy]]) -> list[Overbooking]:
    """The sweep on each calendar alone: two staff members' bookings never share a place."""
    by_calendar: dict[str, list[Occupancy]] = defaultdict(list)
    for calendar, occupancy in occupancies:
        by_calendar[calendar].append(occupancy)
    return [found for _, occ in sorted(by_calendar.items()) for found in find_overbookings(occ)]


def double_bookings(state: FinalState) -> list[Overbooking]:
    """Times the final state holds more active jobs than a calendar's capacities allow."""
    return per_calendar(
        (state.calendar(j.service_id), Occupancy(j.id, j.start, j.end, state.capacity(j.service_id)))
        for j in state.jobs.values()
        if j.active
    )


def _held_intervals(index: _Index, state: FinalState) -> list[tuple[str, Occupancy]]:
    """Each job's interval over the real time it certainly held it: from the acknowledgement of
    its creation (or of a reschedule onto it) to the first attempt to move, cancel, decline or
    complete it that may have happened. Starting it changes nothing: it holds the time still."""
    held: list[tuple[str, Occupancy]] = []
    for job_id, events in index.timeline().items():
        current: tuple[Operation, float] | None = None  # what holds the interval, and since when
        for op in events:
            if op.kind in ("book", "create"):
                if op.outcome == "ok" and op.job_start and op.job_end:
                    # A replayed retry acknowledges the same job: the earliest answer counts.
                    current = (op, op.end) if current is None else (current[0], min(current[1], op.end))
                continue
            if op.outcome == "rejected":
                continue
            if current is not None:
                holder, since = current
                held.append(_occupancy(job_id, holder, since, op.start, state))
                current = None
            if op.kind == "reschedule" and op.outcome == "ok" and op.job_start and op.job_end:
                current = (op, op.end)
        if current is not None:
            held.append(_occupancy(job_id, current[0], current[1], math.inf, state))
    return held


def _occupancy(
    job_id: str, holder: Operation, since: float, until: float, state: FinalState
) -> tuple[str, Occupancy]:
    assert holder.job_start and holder.job_end
    job = state.jobs.get(job_id)
    service_id = job.service_id if job else holder.service_id
    occupancy = Occupancy(
        job_id,
        parse_instant(holder.job_start),
        parse_instant(holder.job_end),
        state.capacity(service_id),
        held_from=since,
        held_until=until,
    )
    return state.calendar(service_id), occupancy


def _overbooked_during_run(index: _Index, state: FinalState, seen: set[tuple[str, ...]]) -> list[Overbooking]:
    return [b for b in per_calendar(_held_intervals(index, state)) if b.job_ids not in seen]


def _lost(index: _Index, state: FinalState) -> list[dict[str, Any]]:
    return [
        {"jobId": op.job_id, "request": op.describe()}
        for op in index.books
        if op.outcome == "ok" and op.job_id and op.job_id not in state.jobs
    ]


def _without_emails(index: _Index, state: FinalState) -> list[dict[str, Any]]:
    """Acknowledged public bookings whose job has no email in the outbox (database audits only:
    the API does not show the outbox). A booking and its emails commit together."""
    problems = []
    for op in index.books:
        job = state.jobs.get(op.job_id or "")
        if op.kind == "book" and op.outcome == "ok" and job is not None and job.emails == 0:
            problems.append({"job": _job_json(job), "request": op.describe()})
    return problems


def _phantoms(index: _Index) -> list[dict[str, Any]]:
    problems = []
    for request, jobs in sorted(index.jobs_by_request.items()):
        asked = index.by_request.get(request, [])
        if any(op.outcome in ("ok", "indeterminate") for op in asked):
            continue
        for job in jobs:
            problems.append(
                {
                    "job": _job_json(job),
                    "requestId": request,
                    "requests": [op.describe() for op in asked[:3]],
                    "why": "only rejected requests asked for it"
                    if asked
                    else "no request of this run made it",
                }
            )
    return problems


def _duplicates(index: _Index) -> list[dict[str, Any]]:
    problems = []
    for request, asked in sorted(index.by_request.items()):
        acknowledged = {op.job_id for op in asked if op.outcome == "ok"}
        stored = {job.id for job in index.jobs_by_request.get(request, [])}
        if len(acknowledged | stored) > 1:
            problems.append(
                {
                    "requestId": request,
                    "idempotencyKey": asked[0].idempotency_key,
                    "jobIds": sorted(j for j in acknowledged | stored if j),
                    "requests": [op.describe() for op in asked[:4]],
                }
            )
    return problems


def _indeterminate(index: _Index) -> tuple[list[dict[str, Any]], int]:
    unknown = [op for op in index.books if op.outcome == "indeterminate"]
    resolved: Counter[str] = Counter()
    rows = []
    for op in unknown:
        committed = bool(op.request_id and index.jobs_by_request.get(op.request_id))
        resolved["committed" if committed else "not committed"] += 1
        rows.append({"request": op.describe(), "resolvedAs": "committed" if committed else "not committed"})
    summary = (
        [{"committed": resolved["committed"], "notCommitted": resolved["not committed"]}] if rows else []
    )
    return summary + rows, len(unknown)


def audit_history(ops: Sequence[Operation], state: FinalState, run_id: str) -> Verdict:
    index = _Index(ops, state, run_id)
    final_breaches = double_bookings(state)
    seen = {b.job_ids for b in final_breaches}
    during = _overbooked_during_run(index, state, seen)
    indeterminate, unknown_count = _indeterminate(index)
    checks = [
        _check("double_booking", _this_run_first([_overbooking_evidence(b, index) for b in final_breaches])),
        _check("overbooked_during_run", _this_run_first([_overbooking_evidence(b, index) for b in during])),
        _check("lost_acknowledged_booking", _lost(index, state)),
        _check("booking_without_emails", _without_emails(index, state)),
        _check("phantom_booking", _phantoms(index)),
        _check("idempotent_retry_duplicated", _duplicates(index)),
        _check("indeterminate_request", indeterminate, informational=True, count=unknown_count),
    ]
    counts = Counter(f"{op.kind}:{op.outcome}" for op in ops)
    counts["jobs_in_final_state"] = len(state.jobs)
    counts["jobs_of_this_run"] = len(index.request_of_job)
    return Verdict(
        ok=all(c.ok for c in checks),
        run_id=run_id,
        source=state.source,
        counts=dict(sorted(counts.items())),
        checks=checks,
    )
