"""The audit's occupancy with jobs under way in it: an in-progress job holds its slot until it
completes (a start is no release), a completed one frees it; a second job on a slot whose job
is under way is an overbooking, named with the slot, both jobs and the start."""

from __future__ import annotations

from load.checker.audit import audit_history
from load.checker.final_state import ACTIVE_STATUSES, FREEING_STATUSES
from reference_app.scheduling.lifecycle import STATUSES
from tests.load.histories import RUN, SERVICE_CAP2, book, job, move, state


def failed(verdict: object) -> list[str]:
    return [c.name for c in verdict.checks if not c.ok]  # type: ignore[attr-defined]


def test_every_status_occupies_or_frees_a_slot() -> None:
    assert ACTIVE_STATUSES | FREEING_STATUSES == set(STATUSES)
    assert not ACTIVE_STATUSES & FREEING_STATUSES
    assert "in-progress" in ACTIVE_STATUSES and "completed" in FREEING_STATUSES


def test_a_booking_beside_a_job_under_way_is_a_double_booking_with_the_start_named() -> None:
    ops = [book("a", job="j1"), move("start", "j1", at=101.0), book("b", job="j2", at=102.0)]
    verdict = audit_history(ops, state(job("j1", "a", status="in-progress"), job("j2", "b")), RUN)
    assert failed(verdict) == ["double_booking"]
    evidence = verdict.check("double_booking").evidence[0]
    assert evidence["jobIds"] == ["j1", "j2"] and evidence["capacity"] == 1
    assert evidence["slot"]["start"] == "2030-01-14T15:00:00+00:00"
    named = {(r["kind"], r.get("job_id") or r.get("request_id")) for r in evidence["requests"]}
    assert ("start", "j1") in named and ("book", "j2") in named


def test_two_jobs_under_way_on_a_capacity_one_slot_are_caught() -> None:
    final = state(job("j1", "a", status="in-progress"), job("j2", "b", status="in-progress"))
    verdict = audit_history([book("a", job="j1"), book("b", job="j2", at=100.5)], final, RUN)
    assert failed(verdict) == ["double_booking"]


def test_a_started_job_within_capacity_passes() -> None:
    jobs = [job("j1", "a", service=SERVICE_CAP2, status="in-progress"), job("j2", "b", service=SERVICE_CAP2)]
    ops = [
        book("a", job="j1", service=SERVICE_CAP2),
        move("start", "j1", at=101.0),
        book("b", job="j2", service=SERVICE_CAP2, at=102.0),
    ]
    assert audit_history(ops, state(*jobs), RUN).ok


def test_an_overbooking_hidden_by_a_later_completion_is_caught_from_the_history() -> None:
    ops = [
        book("a", job="j1", at=100.0),
        move("start", "j1", at=101.0),
        book("b", job="j2", at=102.0),
        move("complete", "j1", at=104.0),
    ]
    final = state(job("j1", "a", status="completed"), job("j2", "b"))
    verdict = audit_history(ops, final, RUN)
    assert failed(verdict) == ["overbooked_during_run"]
    evidence = verdict.check("overbooked_during_run").evidence[0]
    assert evidence["jobIds"] == ["j1", "j2"] and 102.0 <= evidence["allActiveAt"] < 104.0


def test_a_completion_before_the_next_booking_frees_the_slot() -> None:
    ops = [
        book("a", job="j1", at=100.0),
        move("start", "j1", at=101.0),
        move("complete", "j1", at=102.0),
        book("b", job="j2", at=103.0),
    ]
    final = state(job("j1", "a", status="completed"), job("j2", "b"))
    assert audit_history(ops, final, RUN).ok


def test_a_completed_job_in_the_final_state_frees_its_slot() -> None:
    final = state(job("j1", "a", status="completed"), job("j2", "b"))
    assert audit_history([], final, RUN).check("double_booking").ok


def test_a_refused_completion_leaves_the_job_holding_its_slot() -> None:
    ops = [
        book("a", job="j1", at=100.0),
        move("start", "j1", at=101.0),
        move("complete", "j1", at=102.0, outcome="rejected"),
        book("b", job="j2", at=103.0),
        move("cancel", "j2", at=104.0),
    ]
    final = state(job("j1", "a", status="in-progress"), job("j2", "b", status="cancelled"))
    verdict = audit_history(ops, final, RUN)
    assert failed(verdict) == ["overbooked_during_run"]
