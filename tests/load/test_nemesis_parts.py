"""The nemesis's parts without a stack: what it refuses and why, its options, and the fault log
the Locust master reads into the history."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from load.__main__ import main
from load.nemesis.faults import NemesisRefused, NemesisStack, check_allowed
from load.nemesis.run import parse_faults, parse_seconds
from load.nemesis.schedule import DONE, FaultRecord, read_fault_log
from load.nemesis.verdict import lost_bookings_by_fault


def stack(**info: Any) -> NemesisStack:
    fields = {"ses": object(), "servers": [object()], **info}
    return NemesisStack(SimpleNamespace(**fields), None, 1, Path("."))  # type: ignore[arg-type]


def test_restart_db_is_refused_on_a_database_the_harness_did_not_start() -> None:
    with pytest.raises(NemesisRefused, match="never restarted"):
        check_allowed(["kill-worker", "restart-db"], stack())
    check_allowed(["kill-worker", "drop-connections", "ses-outage"], stack())


def test_ses_outage_needs_the_stacks_own_moto_and_kill_worker_one_process_servers() -> None:
    with pytest.raises(NemesisRefused, match="moto"):
        check_allowed(["ses-outage"], stack(ses=None))
    multi = NemesisStack(SimpleNamespace(ses=None, servers=[]), None, 4, Path("."))  # type: ignore[arg-type]
    with pytest.raises(NemesisRefused, match="--server-workers 1"):
        check_allowed(["kill-worker"], multi)


def test_faults_are_never_injected_into_a_remote_target(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "run",
        "--scenario",
        "race",
        "--base-url",
        "https://staging.example.com",
        "--nemesis",
        "kill-worker",
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "only into a local stack" in err and "staging.example.com" in err


@pytest.mark.parametrize(
    ("text", "seconds"), [("5s", 5.0), ("5", 5.0), ("2m", 120.0), ("1h30m", 5400.0), ("0.5s", 0.5)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_seconds(text, "--nemesis-interval") == seconds


@pytest.mark.parametrize("text", ["", "soon", "5 minutes", "-3s"])
def test_bad_duration_is_a_clear_error(text: str) -> None:
    with pytest.raises(NemesisRefused, match="--nemesis-interval expects a duration"):
        parse_seconds(text, "--nemesis-interval")


def test_fault_names_are_checked() -> None:
    assert parse_faults("kill-worker, restart-db") == ["kill-worker", "restart-db"]
    with pytest.raises(NemesisRefused, match="unplug"):
        parse_faults("kill-worker,unplug")
    with pytest.raises(NemesisRefused):
        parse_faults(",")


def test_a_fault_is_an_operation_from_injection_to_recovery() -> None:
    ok = FaultRecord("restart-db", 100.0, 102.0, 103.5, "crashed").operation()
    assert (ok.kind, ok.code, ok.start, ok.end, ok.outcome) == ("fault", "restart-db", 100.0, 103.5, "ok")
    never = FaultRecord("kill-worker", 100.0, 101.0, None, "killed").operation()
    assert never.outcome == "indeterminate" and never.end == 101.0
    assert FaultRecord("kill-worker", 100.0, 101.0, 104.0, "killed").recovery_s == 4.0


def test_the_master_waits_for_the_schedule_to_finish_before_reading_the_faults(tmp_path: Path) -> None:
    log = tmp_path / "faults.jsonl"
    op = FaultRecord("drop-connections", 1.0, 1.1, 1.2, "terminated 3").operation()
    log.write_text(json.dumps(op.to_json()) + "\n")

    def finish() -> None:
        time.sleep(0.5)
        with log.open("a") as fh:
            fh.write(json.dumps(op.to_json()) + "\n" + json.dumps(DONE) + "\n")

    writer = threading.Thread(target=finish)
    writer.start()
    ops = read_fault_log(log, wait_s=10)
    writer.join()
    assert len(ops) == 2 and all(o.code == "drop-connections" for o in ops)
    # A schedule that never finishes costs a bounded wait, and what was written still counts.
    unfinished = tmp_path / "unfinished.jsonl"
    unfinished.write_text(json.dumps(op.to_json()) + "\n")
    assert len(read_fault_log(unfinished, wait_s=0.3)) == 1


def test_a_lost_booking_is_blamed_on_the_first_fault_after_its_acknowledgement() -> None:
    records = [
        FaultRecord("kill-worker", 100.0, 103.0, 104.0, "killed"),
        FaultRecord("restart-db", 110.0, 112.0, 113.0, "crashed"),
    ]
    lost = {"name": "lost_acknowledged_booking", "evidence": [{"jobId": "j1", "request": {"end": 109.6}}]}
    summary = {"verdict": {"checks": [lost]}}
    assert lost_bookings_by_fault(summary, records) == [
        {"jobId": "j1", "acknowledgedAt": 109.6, "firstFaultAfter": "restart-db", "secondsBeforeFault": 0.4}
    ]
