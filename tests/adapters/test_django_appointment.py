"""The django-appointment adapter against the real app: django-appointment 3.12 in its own
virtualenv, on PostgreSQL, under gunicorn with two workers (the stack this package starts,
shared by the package's files: tests/adapters/conftest.py).

What is asserted is what is true of that app: it books, it lists free slots, and it accepts
the same slot twice (one after the other and all at once) and a slot outside the staff
member's working hours, which the harness's overbooking finder and the working hours name."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from harness.adapters.django_appointment import DjangoAppointment
from harness.adapters.django_appointment.stack import AppStack
from harness.model import Booked, BookingRecord, Client, Interval, Outcome, Refused, book
from harness.overbooking import Occupancy, find_overbookings
from harness.target import Target
from reference_app.local.postgres_provider import ProvidedPostgres
from reference_app.local.stack import free_port

pytestmark = [pytest.mark.slow, pytest.mark.adapter_django]

BURST = 8  # clients racing for one slot


def _adapter(target: dict[str, object], *, read_database: bool = True) -> DjangoAppointment:
    options = target["adapterOptions"]
    admin = target["admin"]
    assert isinstance(options, dict) and isinstance(admin, dict) and isinstance(target["services"], dict)
    return DjangoAppointment(
        str(target["baseUrl"]),
        staff_member_id=options["staffMemberId"],
        time_zone=options["timeZone"],
        services=target["services"],
        service_minutes=options["serviceMinutes"],
        database_url=str(target["databaseUrl"]) if read_database else None,
        mail_dir=options["mailDir"],
        admin_email=admin["email"],
        admin_password=admin["password"],
    )


@pytest.fixture(scope="module")
def system(app: AppStack) -> Iterator[DjangoAppointment]:
    adapter = _adapter(app.target_json())
    yield adapter
    adapter.close()


def _day(system: DjangoAppointment, days_ahead: int) -> date:
    return datetime.now(system.zone).date() + timedelta(days=days_ahead)


def _at(system: DjangoAppointment, day: date, hour: int, minutes: int = 60) -> Interval:
    start = datetime(day.year, day.month, day.day, hour, tzinfo=system.zone)
    return Interval(start, start + timedelta(minutes=minutes))


def _client(n: int | str) -> Client:
    return Client(f"Client {n}", f"client-{n}-{time.monotonic_ns()}@example.com")


def _overbookings(records: Sequence[BookingRecord]) -> list[tuple[datetime, tuple[str, ...]]]:
    occupancies = [
        Occupancy(r.booking_id, r.interval.start, r.interval.end, r.capacity) for r in records if r.occupies
    ]
    return [(o.start, o.job_ids) for o in find_overbookings(occupancies)]


def test_the_stack_command_writes_its_target_refuses_a_busy_port_and_stops_clean(
    tmp_path: Path, pg_server: ProvidedPostgres
) -> None:
    info, port = tmp_path / "target.json", free_port()
    env = {**os.environ, "STACK_LOG_DIR": str(tmp_path / "logs"), "DATABASE_URL": pg_server.url}
    command = [sys.executable, "-m", "harness.adapters.django_appointment", "stack", "--port", str(port)]
    stack = subprocess.Popen([*command, "--info-file", str(info)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 600
        while not info.exists() and stack.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert info.exists(), f"no target file; exit code {stack.poll()}"
        target = json.loads(info.read_text())
        assert target["baseUrl"] == f"http://127.0.0.1:{port}"
        assert target["adapter"] == "django-appointment"
        assert set(target["services"]) == {"standard", "consultation"}
        assert target["adapterOptions"]["timeZone"] and target["adapterOptions"]["staffMemberId"]
        busy = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert busy.returncode == 2
        assert (
            busy.stderr.strip()
            == f"stack: port {port} is in use: another stack or program is listening "
            + ("there; pass --port N or stop it")
        )
        system = DjangoAppointment.from_target(Target.from_json(target), target["adapterOptions"])
        assert system.services()["standard"].id == target["services"]["standard"]
        assert system.availability(target["services"]["standard"], _day(system, 1), _day(system, 1))
    finally:
        stack.send_signal(signal.SIGTERM)
        assert stack.wait(120) == 0
    dbname = conninfo_to_dict(target["databaseUrl"])["dbname"]
    with psycopg.connect(pg_server.url) as conn:
        left = conn.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (dbname,)).fetchone()
    assert left == (0,), "the stack's database outlived it"


def test_one_booking_is_booked_listed_as_taken_and_in_the_final_state(system: DjangoAppointment) -> None:
    standard = system.services()["standard"].id
    day = _day(system, 3)
    interval = _at(system, day, 10)
    free = {slot.interval.start for slot in system.availability(standard, day, day)}
    assert interval.start in free and len(free) > 1

    outcome = book(system, standard, interval, _client("one"))

    assert isinstance(outcome, Booked), outcome
    assert outcome.interval == interval
    assert interval.start not in {slot.interval.start for slot in system.availability(standard, day, day)}
    state = system.final_state(day, day)
    assert state.read_from == "database"
    (record,) = [r for r in state.bookings if r.booking_id == outcome.booking_id]
    assert record.interval == interval and record.occupies and record.capacity == 1
    assert record.service_id == standard and record.calendar == f"staff:{system.staff_member_id}"


def test_a_day_in_the_past_is_refused_with_the_apps_reason(system: DjangoAppointment) -> None:
    outcome = book(
        system, system.services()["standard"].id, _at(system, _day(system, -2), 10), _client("past")
    )
    assert isinstance(outcome, Refused), outcome
    assert outcome.reason == "rule" and outcome.code == "request_rejected"


def test_the_same_slot_booked_twice_in_a_row_is_accepted_twice(system: DjangoAppointment) -> None:
    standard = system.services()["standard"].id
    day = _day(system, 4)
    interval = _at(system, day, 11)
    first = book(system, standard, interval, _client("first"))
    second = book(system, standard, interval, _client("second"))
    assert isinstance(first, Booked) and isinstance(second, Booked), (first, second)

    found = _overbookings(system.final_state(day, day).bookings)

    assert found == [(interval.start, tuple(sorted((first.booking_id, second.booking_id))))]


def test_a_burst_on_one_slot_books_more_than_one_and_the_slot_is_named(system: DjangoAppointment) -> None:
    standard = system.services()["standard"].id
    day = _day(system, 5)
    interval = _at(system, day, 14)
    prepared = [system.prepare_booking(standard, interval, _client(f"racer-{n}")) for n in range(BURST)]
    barrier = threading.Barrier(BURST)
    outcomes: list[Outcome] = [Refused("rule", "not run")] * BURST

    def race(index: int) -> None:
        barrier.wait()
        outcomes[index] = prepared[index].commit()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    booked = sorted(o.booking_id for o in outcomes if isinstance(o, Booked))
    assert len(booked) > 1, outcomes
    found = _overbookings(system.final_state(day, day).bookings)
    assert len(found) == 1
    start, ids = found[0]
    assert start == interval.start and set(booked) <= set(ids)


def test_three_in_the_morning_outside_working_hours_is_accepted(
    app: AppStack, system: DjangoAppointment
) -> None:
    consultation = system.services()["consultation"].id
    day = _day(system, 6)
    interval = _at(system, day, 3, minutes=30)
    hours = app.target_json()["adapterOptions"]["workingHours"]
    assert interval.start.strftime("%H:%M") < hours["opens"]
    assert interval.start not in {s.interval.start for s in system.availability(consultation, day, day)}

    outcome = book(system, consultation, interval, _client("night"))

    assert isinstance(outcome, Booked), outcome
    (record,) = [r for r in system.final_state(day, day).bookings if r.booking_id == outcome.booking_id]
    assert record.interval.start.astimezone(ZoneInfo(str(system.zone))).hour == 3 and record.occupies


def test_without_the_database_codes_come_from_mail_and_the_state_from_the_admin(app: AppStack) -> None:
    system = _adapter(app.target_json(), read_database=False)
    day = _day(system, 7)
    interval = _at(system, day, 9)
    outcome = book(system, system.services()["standard"].id, interval, _client("mail"))
    assert isinstance(outcome, Booked), outcome

    from_admin = system.final_state(day, day)
    from_database = _adapter(app.target_json()).final_state(day, day)

    assert from_admin.read_from == "admin session"
    assert {(r.booking_id, r.interval) for r in from_admin.bookings} == {
        (r.booking_id, r.interval) for r in from_database.bookings
    }
    assert outcome.booking_id in {r.booking_id for r in from_admin.bookings}


def test_the_harness_race_through_the_registry_fails_naming_the_over_booked_slots(
    app: AppStack, tmp_path: Path
) -> None:
    """The whole path a user takes: the stack's target file names the adapter, `python -m
    harness race` opens it through the registry, races, audits the final state and fails."""
    target_file = tmp_path / "target.json"
    target_file.write_text(json.dumps(app.target_json()))
    results = tmp_path / "race"
    run = subprocess.run(
        [sys.executable, "-m", "harness", "race", "--target-file", str(target_file), "--clients", "6",
         "--rounds", "2", "--results-dir", str(results)],
        capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 1, output[-3000:]
    assert "RACE VERDICT: FAIL" in run.stdout, output[-3000:]
    over_booked = [line for line in run.stdout.splitlines() if line.startswith("OVER-BOOKED")]
    assert over_booked and all("for capacity 1" in line for line in over_booked), output[-3000:]
    summary = json.loads((results / "summary.json").read_text())
    assert summary["verdict"] == "FAIL" and summary["adapter"] == "django-appointment"
    assert all(r["capacity"] == 1 for r in summary["rounds"]), summary["rounds"]
    assert (results / "summary.md").is_file()
