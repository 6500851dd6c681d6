"""The canary against a local stack: three rounds on the service marked for monitoring leave no
booking behind and book nowhere else; when the mailbox goes away after the first round, the
next rounds fail at the email step, say so in one line each, and still release their booking;
through the command, a failed round is exit code 1 and in the report."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import psycopg
import pytest

from checklists.watch.canary import Canary, run_canary
from harness.adapters.reference_client import BookingApi
from harness.target import Target
from reference_app.local.stack import free_port
from tests.watch.conftest import WatchRun, write_target

pytestmark = [pytest.mark.slow, pytest.mark.processes]
ACTIVE = ("scheduled", "in-progress", "pending-confirmation")


@pytest.fixture(scope="module")
def watched(stack: Target) -> Target:
    """The stack with a service kept for monitoring, named as the target's canaryService."""
    with BookingApi(stack.base_url) as api:
        assert api.login(stack.admin_email or "", stack.admin_password or "").status_code == 200
        created = api.create_service(
            {
                "name": "Canary (monitoring)",
                "durationMinutes": 30,
                "bookingSettings": {
                    "workingHours": {
                        d: [{"start": "00:00", "end": "24:00"}]
                        for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
                    },
                    "slotIntervalMinutes": 30,
                },
            }
        )
    assert created.status_code == 201, created.text
    return replace(stack, canary_service=str(created.json()["service"]["id"]))


def canary_jobs(target: Target) -> dict[str, tuple[str, str]]:
    """Every job a canary made, anywhere: id -> (service, status)."""
    with psycopg.connect(target.database_url or "") as conn:
        rows = conn.execute(
            "SELECT j.id::text, j.service_id::text, j.status FROM jobs j "
            "JOIN contacts c ON c.id = j.contact_id WHERE c.email LIKE 'success+canary%%'"
        ).fetchall()
    return {str(job): (str(service), str(status)) for job, service, status in rows}


class MailboxProxy:
    """The stack's mailbox behind a server the test can take away."""

    def __init__(self, upstream: str) -> None:
        class Forward(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                answer = httpx.get(upstream + self.path, timeout=10)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(answer.content)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.gone = False
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take_away(self) -> None:
        if not self.gone:
            self.gone = True
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def proxy(stack: Target) -> Iterator[MailboxProxy]:
    served = MailboxProxy(stack.mailbox_url or "")
    yield served
    served.take_away()


def test_three_rounds_leave_no_booking_behind(watched: Target, folder: Path) -> None:
    run = WatchRun(folder, write_target(folder / "canary.json", watched))
    before = set(canary_jobs(watched))
    code, report, _ = run(
        "--canary-only", "--canary-every", "0.1s", "--canary-rounds", "3", "--canary-mail-timeout", "30s"
    )
    assert code == 0, report["verdict"]
    [canary] = report["metrics"]
    assert (canary["key"], canary["verdict"], canary["value"]) == ("canary", "met", 0)
    rounds = canary["evidence"]["rounds"]
    assert [r["ok"] for r in rounds] == [True] * 3
    assert [s["step"] for s in rounds[0]["steps"]] == ["availability", "book", "confirmation email", "cancel"]
    assert all(s["seconds"] > 0 for r in rounds for s in r["steps"])
    made = {job: seen for job, seen in canary_jobs(watched).items() if job not in before}
    assert len(made) == 3
    assert {service for service, _ in made.values()} == {watched.canary_service}  # nowhere else
    assert [status for _, status in made.values() if status in ACTIVE] == []


def test_a_mailbox_gone_mid_run_fails_the_email_step_and_still_cleans_up(
    watched: Target, proxy: MailboxProxy
) -> None:
    canary = Canary(replace(watched, mailbox_url=proxy.url), mail_timeout=30)
    before = set(canary_jobs(watched))
    alerts: list[str] = []
    try:  # the mailbox goes away in the pause after the first round
        rounds = run_canary(
            canary,
            rounds=3,
            every=0.1,
            sleep=lambda _: proxy.take_away(),
            on_round=lambda found: alerts.append(found.alert_line()),
        )
    finally:
        canary.close()
    assert [r.ok for r in rounds] == [True, False, False], [r.alert_line() for r in rounds]
    for failed in rounds[1:]:
        steps = {s.name: s for s in failed.steps}
        assert not steps["confirmation email"].ok and "ConnectError" in steps["confirmation email"].detail
        assert steps["cancel"].ok and failed.left_behind == []
    assert "failed at confirmation email" in alerts[1] and "nothing left behind" in alerts[1]
    made = {job: seen for job, seen in canary_jobs(watched).items() if job not in before}
    assert len(made) == 3 and [status for _, status in made.values() if status in ACTIVE] == []


def test_a_failed_round_is_an_alert_line_exit_1_and_in_the_report(
    watched: Target, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens: the mailbox is unreachable
    run = WatchRun(folder, write_target(folder / "dead-mailbox.json", watched, mailboxUrl=dead))
    code, report, report_dir = run("--canary-only", "--canary-rounds", "1", "--canary-every", "0.1s")
    assert code == 1
    alert = [line for line in capsys.readouterr().out.splitlines() if line.startswith("canary ALERT")]
    assert len(alert) == 1 and "failed at confirmation email" in alert[0], alert
    assert any("canary ALERT round 1" in line for line in report["verdict"])
    assert "canary ALERT round 1" in (report_dir / "watch.md").read_text()
    assert [status for _, status in canary_jobs(watched).values() if status in ACTIVE] == []
