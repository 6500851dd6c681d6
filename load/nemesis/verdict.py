"""After a run with a nemesis: what the faults must not have broken, besides the audit.

Every fault asked for was injected; after each, every server answered `GET /health` again
within the bound; emails queued while SES was unreachable went out once it was back; the
service is healthy at the end. Written to `nemesis.json` and into the run's `summary.json`
and `summary.md`, with each fault's time to recover.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from load.nemesis.faults import RECOVERY_BOUND_S, wait_all_healthy
from load.nemesis.schedule import FaultRecord, NemesisSchedule

if TYPE_CHECKING:  # the stack's module pulls in the whole service
    from reference_app.local.stack import StackInfo

EMAIL_WAIT_S = 120.0


@dataclass(frozen=True)
class NemesisCheck:
    name: str
    ok: bool
    measured: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "measured": self.measured}


def _outbox_states(database_url: str, window: tuple[str, str]) -> dict[str, int]:
    with psycopg.connect(database_url, connect_timeout=10) as conn:
        rows = conn.execute(
            "SELECT state, count(*) FROM email_outbox WHERE created_at BETWEEN %s AND %s GROUP BY state",
            window,
        ).fetchall()
    return {str(state): int(count) for state, count in rows}


def emails_after_outage(database_url: str, record: FaultRecord, wait_s: float = EMAIL_WAIT_S) -> NemesisCheck:
    """Every email queued during the outage is `sent`, waiting up to `wait_s` for the sender's
    backoff to come round; an outage that queued nothing proves nothing and fails."""
    assert record.outbox_window is not None
    at = time.strftime("%H:%M:%S", time.localtime(record.start))
    name = f"emails queued during the SES outage at {at} sent"
    deadline = time.monotonic() + wait_s
    while True:
        states = _outbox_states(database_url, record.outbox_window)
        queued = sum(states.values())
        if queued and states.get("sent", 0) == queued:
            return NemesisCheck(name, True, f"{queued} of {queued} sent")
        if not queued or time.monotonic() > deadline:
            shown = ", ".join(f"{n} {s}" for s, n in sorted(states.items())) or "none queued"
            return NemesisCheck(name, False, f"{shown} (after waiting up to {wait_s:.0f} s)")
        time.sleep(1.0)


def judge_nemesis(schedule: NemesisSchedule, faults: list[str], info: StackInfo) -> list[NemesisCheck]:
    checks = []
    if schedule.error:
        checks.append(NemesisCheck("nemesis ran without error", False, schedule.error))
    injected = {r.name for r in schedule.records}
    for name in faults:
        count = sum(1 for r in schedule.records if r.name == name)
        measured = f"{count} time(s)" if count else "never: lengthen --duration or shorten --nemesis-interval"
        checks.append(NemesisCheck(f"{name} injected", name in injected, measured))
    for record in schedule.records:
        checks.append(
            NemesisCheck(
                f"{record.name} at +{record.start - schedule.records[0].start:.1f} s: /health again "
                f"within {RECOVERY_BOUND_S:g} s",
                record.recovered is not None,
                f"{record.recovery_s} s" if record.recovered is not None else "not recovered",
            )
        )
    for record in schedule.records:
        if record.outbox_window is not None:
            checks.append(emails_after_outage(info.database_url, record))
    healthy = wait_all_healthy(info.urls, RECOVERY_BOUND_S) is not None
    checks.append(NemesisCheck("every server healthy after the run", healthy, "yes" if healthy else "no"))
    return checks


def recovery_table(records: list[FaultRecord]) -> list[str]:
    lines = ["| fault | at | what was done | time to recover (s) |", "|---|---|---|---:|"]
    for r in records:
        at = time.strftime("%H:%M:%S", time.localtime(r.start))
        lines.append(
            f"| {r.name} | {at} | {r.detail} | {r.recovery_s if r.recovery_s is not None else 'never'} |"
        )
    return lines


def lost_bookings_by_fault(summary: dict[str, Any], records: list[FaultRecord]) -> list[dict[str, Any]]:
    """Each lost acknowledged booking the audit named, with the first fault that struck after
    its acknowledgement: the likely culprit (a booking acknowledged before it committed)."""
    checks = {c["name"]: c for c in (summary.get("verdict") or {}).get("checks", [])}
    found = []
    for evidence in checks.get("lost_acknowledged_booking", {}).get("evidence", []):
        acknowledged = float(evidence["request"]["end"])
        after = [r for r in records if r.start >= acknowledged - 0.1]
        first = min(after, key=lambda r: r.start, default=None)
        found.append(
            {
                "jobId": evidence["jobId"],
                "acknowledgedAt": acknowledged,
                "firstFaultAfter": first.name if first else None,
                "secondsBeforeFault": round(first.start - acknowledged, 2) if first else None,
            }
        )
    return found


def write_nemesis_report(
    results: Path, schedule: NemesisSchedule, checks: list[NemesisCheck], faults: list[str]
) -> list[str]:
    ok = all(c.ok for c in checks)
    report: dict[str, Any] = {
        "faults": faults,
        "intervalSeconds": schedule.interval_s,
        "passed": ok,
        "injected": [r.to_json() for r in schedule.records],
        "checks": [c.to_json() for c in checks],
    }
    summary_path = results / "summary.json"
    lost: list[dict[str, Any]] = []
    if summary_path.exists():
        summary = json.loads(summary_path.read_text())
        lost = lost_bookings_by_fault(summary, schedule.records)
        report["lostBookings"] = lost
        summary["nemesis"] = report
        summary["passed"] = bool(summary.get("passed")) and ok
        summary_path.write_text(json.dumps(summary, indent=2) + "\n")
    (results / "nemesis.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [f"NEMESIS: {'PASS' if ok else 'FAIL'} ({', '.join(faults)}, every {schedule.interval_s:g} s)"]
    lines += [f"  [{'ok' if c.ok else 'BREACH'}] {c.name}: {c.measured}" for c in checks]
    lines += [
        f"  lost acknowledged booking {b['jobId']}: {b['firstFaultAfter']} struck "
        f"{b['secondsBeforeFault']} s after its 201"
        for b in lost
        if b["firstFaultAfter"]
    ]
    markdown = ["", "## Nemesis", "", *lines[:1], "", *recovery_table(schedule.records), ""]
    markdown += ["| check | result |", "|---|---|"]
    markdown += [f"| {c.name} | {'ok' if c.ok else 'BREACH'}: {c.measured} |" for c in checks]
    md_path = results / "summary.md"
    with md_path.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(markdown) + "\n")
    return lines
