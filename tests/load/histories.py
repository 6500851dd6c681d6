"""Hand-made histories and final states for the checker's tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from load.checker.final_state import FinalState, JobRecord
from load.checker.operations import Operation, contact_email

RUN = "run1"
SERVICE_CAP1 = "svc-cap1"
SERVICE_CAP2 = "svc-cap2"
CAPACITIES = {SERVICE_CAP1: 1, SERVICE_CAP2: 2}
T0 = datetime(2030, 1, 14, 15, 0, tzinfo=UTC)


def slot(hour: int = 0, minutes: int = 60) -> tuple[datetime, datetime]:
    start = T0 + timedelta(hours=hour)
    return start, start + timedelta(minutes=minutes)


def book(
    request: str,
    outcome: str = "ok",
    *,
    job: str | None = None,
    service: str = SERVICE_CAP1,
    hour: int = 0,
    at: float = 100.0,
    key: str | None = None,
    attempt: int = 0,
    status: int | None = None,
    code: str | None = None,
) -> Operation:
    start, end = slot(hour)
    fields: dict[str, Any] = {}
    if outcome == "ok":
        fields = {"job_id": job, "job_start": start.isoformat(), "job_end": end.isoformat()}
    return Operation(
        id=f"op-{request}-{attempt}",
        kind="book",
        process="local",
        start=at,
        end=at + 0.01,
        outcome=outcome,  # type: ignore[arg-type]
        status=status if status is not None else {"ok": 201, "rejected": 409, "indeterminate": 0}[outcome],
        code=code,
        request_id=request,
        service_id=service,
        slot_start=start.isoformat(),
        idempotency_key=key,
        attempt=attempt,
        **fields,
    )


def move(kind: str, job: str, at: float, outcome: str = "ok") -> Operation:
    return Operation(
        id=f"{kind}-{job}",
        kind=kind,
        process="local",
        start=at,
        end=at + 0.01,
        outcome=outcome,
        status=200,
        job_id=job,  # type: ignore[arg-type]
    )


def job(
    job_id: str, request: str | None, *, service: str = SERVICE_CAP1, hour: int = 0, status: str = "scheduled"
) -> JobRecord:
    start, end = slot(hour)
    email = contact_email(RUN, request) if request else "someone@example.com"
    return JobRecord(job_id, service, start, end, status, email)


def state(*jobs: JobRecord) -> FinalState:
    return FinalState({j.id: j for j in jobs}, CAPACITIES, "given")
