"""Workers ship their operations inside stats reports; the master merges them and knows when
every worker's history is complete."""

from __future__ import annotations

from pathlib import Path

from load.checker.history import HistoryRecorder, read_history, write_history
from tests.load.histories import book


def test_worker_ships_everything_once_and_master_merges() -> None:
    worker, master = HistoryRecorder("w1"), HistoryRecorder()
    worker.shipping = True
    worker.record(book("a", job="j1"))
    worker.record(book("b", "rejected"))
    report: dict[str, object] = {}
    worker.ship(report, users=5)
    master.receive("w1", report, now=10.0)
    empty: dict[str, object] = {}
    worker.ship(empty, users=0)
    master.receive("w1", empty, now=12.0)
    assert [op.request_id for op in master.operations] == ["a", "b"]
    assert worker.operations == []


def test_drained_only_after_every_worker_reports_zero_users_after_the_drain_began() -> None:
    master = HistoryRecorder()
    master.receive("w1", {"booking_history": {"ops": [], "users": 0}}, now=5.0)
    master.receive("w2", {"booking_history": {"ops": [], "users": 3}}, now=11.0)
    assert not master.workers_drained(["w1", "w2"], since=10.0)
    master.receive("w1", {"booking_history": {"ops": [], "users": 0}}, now=12.0)
    assert not master.workers_drained(["w1", "w2"], since=10.0)
    master.receive("w2", {"booking_history": {"ops": [], "users": 0}}, now=13.0)
    assert master.workers_drained(["w1", "w2"], since=10.0)


def test_history_file_round_trip(tmp_path: Path) -> None:
    ops = [book("b", "rejected", at=2.0), book("a", job="j1", at=1.0)]
    write_history(ops, tmp_path / "history.jsonl")
    assert read_history(tmp_path / "history.jsonl") == sorted(ops, key=lambda o: o.start)
