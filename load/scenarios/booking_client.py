"""The client: the calls the scenarios make, each recorded as an operation of the history and
reported to Locust (a promised refusal counts as a success there, a 5xx or timeout as a failure).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from locust.contrib.fasthttp import FastHttpUser

from harness.adapters import reference_locust as reference
from load.checker.classify import Judgement, judge_admin_create, judge_admin_move, judge_booking
from load.checker.operations import INTERRUPTED, Kind, Operation, contact_email, new_id
from load.wiring.context import RunContext


def _send(user: FastHttpUser, call: reference.Call, *, judge: Any) -> tuple[Judgement, int, bool]:
    """The request, reported to Locust as judged; returns the judgement, the status and
    whether the answer was an idempotent replay."""
    headers = dict(call.headers) if call.headers else None
    with user.client.request(
        call.method, call.path, name=call.name, json=call.json, headers=headers, catch_response=True
    ) as response:
        status = int(response.status_code or 0)
        error = getattr(response, "error", None)
        text = response.text if status else None
        judgement: Judgement = judge(status, text, error)
        if judgement.failure:
            response.failure(judgement.failure)
        else:
            response.success()
        replayed = bool(status) and response.headers.get("Idempotent-Replayed", "") == "true"
    return judgement, status, replayed


ResultFields = Callable[[Judgement, bool], dict[str, Any]]


def _call(
    user: FastHttpUser,
    ctx: RunContext,
    fields: dict[str, Any],
    call: reference.Call,
    *,
    judge: Any,
    result_fields: ResultFields | None = None,
) -> Operation:
    """_send, recorded as an operation of the history with `fields` (and `result_fields` of
    the answer). A request cut short (the run stopping kills the user mid-request) is recorded
    as indeterminate: it may still have committed."""
    started = time.time()
    try:
        judgement, status, replayed = _send(user, call, judge=judge)
    except BaseException:
        interrupted = Operation(
            id=new_id(),
            start=started,
            end=time.time(),
            outcome="indeterminate",
            status=0,
            code=INTERRUPTED,
            **fields,
        )
        ctx.recorder.record(interrupted)
        raise
    extra = result_fields(judgement, replayed) if result_fields else {}
    op = Operation(
        id=new_id(),
        start=started,
        end=time.time(),
        outcome=judgement.outcome,
        status=status,
        code=judgement.code,
        **fields,
        **extra,
    )
    ctx.recorder.record(op)
    return op


def _booked_job(judgement: Judgement, replayed: bool) -> dict[str, Any]:
    job = reference.job_of(judgement.body if judgement.outcome == "ok" else None)
    return {"replayed": replayed, **job}


def book_slot(
    user: FastHttpUser,
    ctx: RunContext,
    *,
    service_id: str,
    slot_start: str,
    request_id: str | None = None,
    idempotency_key: str | None = None,
    attempt: int = 0,
) -> Operation:
    """A public booking of one slot; the contact address names the request."""
    request_id = request_id or new_id()
    contact = {"name": f"Load client {request_id}", "email": contact_email(ctx.run_id, request_id)}
    call = reference.book(service_id, slot_start, contact, idempotency_key=idempotency_key, retry=attempt > 0)
    fields: dict[str, Any] = {
        "kind": "book",
        "process": ctx.process,
        "request_id": request_id,
        "service_id": service_id,
        "slot_start": slot_start,
        "idempotency_key": idempotency_key,
        "attempt": attempt,
    }
    return _call(user, ctx, fields, call, judge=judge_booking, result_fields=_booked_job)


def move_job(
    user: FastHttpUser, ctx: RunContext, action: Kind, job_id: str, headers: dict[str, str]
) -> Operation:
    """An admin move (confirm, decline, cancel, start, complete) on a job of this run."""
    fields: dict[str, Any] = {"kind": action, "process": ctx.process, "job_id": job_id}
    return _call(user, ctx, fields, reference.move(action, job_id, headers), judge=judge_admin_move)


def create_job(
    user: FastHttpUser,
    ctx: RunContext,
    *,
    start: str,
    end: str,
    service_id: str | None,
    headers: dict[str, str],
) -> Operation:
    """An admin places a job (with a service: its capacity; without: capacity 1). Its contact
    names the run and the request, as a booking's does."""
    request_id = new_id()
    contact = {"name": f"Load admin {request_id}", "email": contact_email(ctx.run_id, request_id)}
    call = reference.create(f"Load admin job {request_id}", start, end, contact, service_id, headers)
    fields: dict[str, Any] = {
        "kind": "create",
        "process": ctx.process,
        "request_id": request_id,
        "service_id": service_id,
        "slot_start": start,
    }
    return _call(user, ctx, fields, call, judge=judge_admin_create, result_fields=_booked_job)


def reschedule_job(
    user: FastHttpUser, ctx: RunContext, job_id: str, start: str, end: str, headers: dict[str, str]
) -> Operation:
    """An admin moves a job of this run onto another interval."""
    fields: dict[str, Any] = {
        "kind": "reschedule",
        "process": ctx.process,
        "job_id": job_id,
        "slot_start": start,
    }

    def moved_to(judgement: Judgement, replayed: bool) -> dict[str, Any]:
        job = reference.job_of(judgement.body if judgement.outcome == "ok" else None)
        return {"job_start": job["job_start"], "job_end": job["job_end"]}

    call = reference.reschedule(job_id, start, end, headers)
    return _call(user, ctx, fields, call, judge=judge_admin_move, result_fields=moved_to)


def book_maybe_keyed(user: FastHttpUser, ctx: RunContext, *, service_id: str, slot_start: str) -> Operation:
    """A booking that carries an Idempotency-Key for a share of requests; a keyed one is
    retried with the same key when its answer was lost, and sometimes anyway: either way the
    retry must not book a second time. Returns the first attempt."""
    request_id = new_id()
    key = f"{ctx.run_id}-{request_id}" if random.random() < ctx.options.idempotent_share else None
    first = book_slot(
        user, ctx, service_id=service_id, slot_start=slot_start, request_id=request_id, idempotency_key=key
    )
    if key and (first.outcome == "indeterminate" or random.random() < ctx.options.retry_share):
        book_slot(
            user,
            ctx,
            service_id=service_id,
            slot_start=slot_start,
            request_id=request_id,
            idempotency_key=key,
            attempt=1,
        )
    return first
