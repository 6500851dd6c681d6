"""The checker on the race's new shapes: an admin create and a reschedule over-filling a time
while the run went on (later hidden by a cancel), a reschedule that left room, and bookings
whose emails are missing from the outbox."""

from __future__ import annotations

import dataclasses

from load.checker.audit import audit_history
from load.checker.operations import Operation
from tests.load.histories import RUN, book, job, move, slot, state


def reschedule(job_id: str, hour: int, at: float, outcome: str = "ok") -> Operation:
    start, end = slot(hour)
    moved = {"job_start": start.isoformat(), "job_end": end.isoformat()} if outcome == "ok" else {}
    return Operation(
        id=f"reschedule-{job_id}-{at}",
        kind="reschedule",
        process="local",
        start=at,
        end=at + 0.01,
        outcome=outcome,  # type: ignore[arg-type]
        status=200 if outcome == "ok" else 409,
        job_id=job_id,
        slot_start=start.isoformat(),
        **moved,
    )


def created(request: str, job_id: str, hour: int, at: float) -> Operation:
    return dataclasses.replace(
        book(request, job=job_id, hour=hour, at=at), kind="create", id=f"create-{request}"
    )


def test_a_reschedule_onto_a_full_hour_is_caught_even_when_a_cancel_hides_it() -> None:
    # j1 holds hour 0; j2 is booked at hour 1 and moved onto hour 0; then j1 is cancelled.
    ops = [
        book("a", job="j1", hour=0, at=100.0),
        book("b", job="j2", hour=1, at=100.0),
        reschedule("j2", 0, at=101.0),
        move("cancel", "j1", at=102.0),
    ]
    final = state(job("j1", "a", status="cancelled"), job("j2", "b", hour=0))
    verdict = audit_history(ops, final, RUN)
    assert [c.name for c in verdict.checks if not c.ok] == ["overbooked_during_run"]
    evidence = verdict.check("overbooked_during_run").evidence[0]
    assert evidence["jobIds"] == ["j1", "j2"]
    assert any(r["kind"] == "reschedule" for r in evidence["requests"]), evidence


def test_a_job_moved_away_frees_its_old_hour() -> None:
    # j1 moves from hour 0 to hour 2 before j2 books hour 0: never together.
    ops = [
        book("a", job="j1", hour=0, at=100.0),
        reschedule("j1", 2, at=101.0),
        book("b", job="j2", hour=0, at=102.0),
        reschedule("j2", 2, at=103.0, outcome="rejected"),
    ]
    verdict = audit_history(ops, state(job("j1", "a", hour=2), job("j2", "b", hour=0)), RUN)
    assert verdict.ok, verdict.to_json()


def test_an_admin_create_is_a_job_of_the_run() -> None:
    ops = [book("a", job="j1", hour=0, at=100.0), created("c", "j2", hour=0, at=100.0)]
    verdict = audit_history(ops, state(job("j1", "a"), job("j2", "c")), RUN)
    assert [c.name for c in verdict.checks if not c.ok] == ["double_booking"]
    kinds = {r["kind"] for r in verdict.check("double_booking").evidence[0]["requests"]}
    assert kinds == {"book", "create"}


def test_a_booking_without_emails_is_caught_and_unknown_counts_pass() -> None:
    with_emails = dataclasses.replace(job("j1", "a"), emails=2)
    without = dataclasses.replace(job("j2", "b", hour=1), emails=0)
    ops = [book("a", job="j1"), book("b", job="j2", hour=1)]
    verdict = audit_history(ops, state(with_emails, without), RUN)
    assert [c.name for c in verdict.checks if not c.ok] == ["booking_without_emails"]
    assert verdict.check("booking_without_emails").evidence[0]["job"]["id"] == "j2"
    assert audit_history(ops, state(job("j1", "a"), job("j2", "b", hour=1)), RUN).ok
