"""The checker on hand-made histories: each fault is found, with its evidence; a clean
history passes."""

from __future__ import annotations

from load.checker.audit import MAX_EVIDENCE, audit_history
from tests.load.histories import RUN, SERVICE_CAP2, book, job, move, state


def failed(verdict: object) -> list[str]:
    return [c.name for c in verdict.checks if not c.ok]  # type: ignore[attr-defined]


def test_clean_history_passes() -> None:
    ops = [book("a", job="j1"), book("b", "rejected", at=100.001), book("c", job="j2", hour=1)]
    verdict = audit_history(ops, state(job("j1", "a"), job("j2", "c", hour=1)), RUN)
    assert verdict.ok, verdict.to_json()
    assert verdict.counts["book:ok"] == 2 and verdict.counts["jobs_of_this_run"] == 2


def test_double_booked_slot_is_caught_with_slot_jobs_and_requests() -> None:
    ops = [book("a", job="j1"), book("b", job="j2", at=100.002)]
    verdict = audit_history(ops, state(job("j1", "a"), job("j2", "b")), RUN)
    assert not verdict.ok
    assert failed(verdict) == ["double_booking"]
    evidence = verdict.check("double_booking").evidence[0]
    assert evidence["capacity"] == 1
    assert evidence["jobIds"] == ["j1", "j2"]
    assert evidence["slot"]["start"] == "2030-01-14T15:00:00+00:00"
    assert {r["request_id"] for r in evidence["requests"]} == {"a", "b"}


def test_this_runs_breach_is_kept_in_the_evidence_before_older_ones_it_only_found() -> None:
    """Earlier runs left over-booked times before this run's (foreign jobs, no request of this
    run): more of them than the evidence holds. This run's breach, with its requests, is kept."""
    older = [job(f"old{h}{n}", None, hour=h) for h in range(MAX_EVIDENCE + 1) for n in "ab"]
    ours_at = MAX_EVIDENCE + 2
    ops = [book("a", job="j1", hour=ours_at), book("b", job="j2", at=100.002, hour=ours_at)]
    verdict = audit_history(
        ops, state(*older, job("j1", "a", hour=ours_at), job("j2", "b", hour=ours_at)), RUN
    )
    double = verdict.check("double_booking")
    assert double.count == MAX_EVIDENCE + 2 and len(double.evidence) == MAX_EVIDENCE
    assert double.evidence[0]["jobIds"] == ["j1", "j2"]
    assert {r["request_id"] for r in double.evidence[0]["requests"]} == {"a", "b"}
    assert [e["requests"] for e in double.evidence[1:]] == [[]] * (MAX_EVIDENCE - 1)


def test_capacity_two_allows_two_and_catches_three() -> None:
    two = [job("j1", "a", service=SERVICE_CAP2), job("j2", "b", service=SERVICE_CAP2)]
    ops = [book("a", job="j1", service=SERVICE_CAP2), book("b", job="j2", service=SERVICE_CAP2)]
    assert audit_history(ops, state(*two), RUN).ok
    three = [*two, job("j3", "c", service=SERVICE_CAP2)]
    verdict = audit_history([*ops, book("c", job="j3", service=SERVICE_CAP2)], state(*three), RUN)
    assert failed(verdict) == ["double_booking"]
    assert verdict.check("double_booking").evidence[0]["jobIds"] == ["j1", "j2", "j3"]


def test_mixed_capacities_judge_by_the_strictest_admission() -> None:
    # A capacity-1 job then a capacity-2 job may share a slot (the second saw one, below 2);
    # a third job of capacity <= 2 would have seen two: always a breach.
    jobs = [job("j1", "a", service=SERVICE_CAP2), job("j2", "b")]
    assert audit_history([], state(*jobs), RUN).check("double_booking").ok
    jobs.append(job("j3", "c", service=SERVICE_CAP2))
    assert not audit_history([], state(*jobs), RUN).check("double_booking").ok


def test_lost_acknowledged_booking_is_caught() -> None:
    ops = [book("a", job="j1"), book("b", job="j2", hour=1)]
    verdict = audit_history(ops, state(job("j1", "a")), RUN)
    assert failed(verdict) == ["lost_acknowledged_booking"]
    evidence = verdict.check("lost_acknowledged_booking").evidence
    assert evidence[0]["jobId"] == "j2" and evidence[0]["request"]["request_id"] == "b"


def test_phantom_booking_is_caught() -> None:
    # Request b was refused (409), yet a job made for it exists.
    ops = [book("a", job="j1", hour=1), book("b", "rejected")]
    verdict = audit_history(ops, state(job("j1", "a", hour=1), job("j9", "b")), RUN)
    assert failed(verdict) == ["phantom_booking"]
    evidence = verdict.check("phantom_booking").evidence[0]
    assert evidence["job"]["id"] == "j9" and evidence["requestId"] == "b"
    assert evidence["requests"][0]["outcome"] == "rejected"


def test_a_job_no_request_of_the_run_made_is_a_phantom_but_foreign_jobs_are_not() -> None:
    verdict = audit_history([], state(job("j1", "ghost"), job("j2", None, hour=2)), RUN)
    assert failed(verdict) == ["phantom_booking"]
    assert verdict.check("phantom_booking").evidence[0]["why"] == "no request of this run made it"


def test_indeterminate_request_is_reported_not_failed_either_way() -> None:
    ops = [book("a", "indeterminate", code="ConnectionResetError"), book("b", "indeterminate", hour=1)]
    verdict = audit_history(ops, state(job("j1", "a")), RUN)  # a committed, b did not
    assert verdict.ok, verdict.to_json()
    check = verdict.check("indeterminate_request")
    assert check.informational and check.count == 2
    assert check.evidence[0] == {"committed": 1, "notCommitted": 1}
    assert {e["resolvedAs"] for e in check.evidence[1:]} == {"committed", "not committed"}


def test_an_indeterminate_booking_that_committed_still_counts_for_capacity() -> None:
    ops = [book("a", job="j1"), book("b", "indeterminate")]
    verdict = audit_history(ops, state(job("j1", "a"), job("j2", "b")), RUN)
    assert failed(verdict) == ["double_booking"]


def test_idempotent_retry_that_booked_twice_is_caught() -> None:
    ops = [
        book("a", job="j1", key="k"),
        book("a", job="j2", key="k", attempt=1, at=101.0),
    ]
    verdict = audit_history(ops, state(job("j1", "a"), job("j2", "a", hour=1)), RUN)
    assert "idempotent_retry_duplicated" in failed(verdict)
    assert verdict.check("idempotent_retry_duplicated").evidence[0]["jobIds"] == ["j1", "j2"]


def test_replayed_retry_is_fine() -> None:
    ops = [book("a", job="j1", key="k"), book("a", job="j1", key="k", attempt=1, at=101.0)]
    assert audit_history(ops, state(job("j1", "a")), RUN).ok


def test_overbooking_hidden_by_a_later_cancel_is_caught_from_the_history() -> None:
    ops = [book("a", job="j1", at=100.0), book("b", job="j2", at=100.5), move("cancel", "j2", at=103.0)]
    final = state(job("j1", "a"), job("j2", "b", status="cancelled"))
    verdict = audit_history(ops, final, RUN)
    assert failed(verdict) == ["overbooked_during_run"]
    evidence = verdict.check("overbooked_during_run").evidence[0]
    assert evidence["jobIds"] == ["j1", "j2"] and 100.5 <= evidence["allActiveAt"] < 103.0


def test_a_cancel_before_the_next_booking_frees_the_slot() -> None:
    ops = [book("a", job="j1", at=100.0), move("cancel", "j1", at=101.0), book("b", job="j2", at=102.0)]
    final = state(job("j1", "a", status="cancelled"), job("j2", "b"))
    assert audit_history(ops, final, RUN).ok
