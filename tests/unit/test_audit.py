"""The double-booking audit's sweep on hand-made calendars: it finds what exceeds capacity,
with the job ids, and nothing on a calendar that respects it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from reference_app.operations.audit import ActiveJob, find_incidents

T0 = datetime(2030, 1, 10, 15, 0, tzinfo=UTC)
TENANT = uuid.uuid4()


def job(start_h: float, end_h: float, capacity: int = 1, tenant: uuid.UUID = TENANT) -> ActiveJob:
    return ActiveJob(
        uuid.uuid4(), tenant, T0 + timedelta(hours=start_h), T0 + timedelta(hours=end_h), capacity
    )


def test_back_to_back_jobs_are_no_incident() -> None:
    assert find_incidents([job(0, 1), job(1, 2), job(2, 3)]) == []


def test_two_overlapping_jobs_of_capacity_one() -> None:
    a, b = job(0, 1), job(0.5, 1.5)
    [incident] = find_incidents([a, b, job(3, 4)])
    assert set(incident.job_ids) == {a.id, b.id}
    assert (incident.at, incident.capacity, incident.tenant_id) == (b.start, 1, TENANT)


def test_capacity_is_respected_until_it_is_not() -> None:
    within = [job(0, 1, capacity=3) for _ in range(3)]
    assert find_incidents(within) == []
    extra = job(0.5, 1, capacity=3)
    [incident] = find_incidents([*within, extra])
    assert set(incident.job_ids) == {j.id for j in [*within, extra]}
    assert incident.capacity == 3


def test_a_small_capacity_job_among_larger_ones() -> None:
    # Two jobs of a capacity-2 service, then a capacity-1 admin job over them: the admin job
    # was admitted with others present, which its own capacity forbids.
    big = [job(0, 2, capacity=2), job(0, 2, capacity=2)]
    admin = job(1, 1.5, capacity=1)
    [incident] = find_incidents([*big, admin])
    assert admin.id in incident.job_ids


def test_one_long_breach_is_one_incident_and_tenants_are_apart() -> None:
    a, b, c = job(0, 3), job(1, 2), job(2, 4)
    other_tenant = [job(0, 1, tenant=uuid.uuid4()), job(1, 2, tenant=uuid.uuid4())]
    [incident] = find_incidents([a, b, c, *other_tenant])
    assert set(incident.job_ids) == {a.id, b.id, c.id}


def test_separate_breaches_are_separate_incidents() -> None:
    incidents = find_incidents([job(0, 1), job(0, 1), job(5, 6), job(5, 6)])
    assert len(incidents) == 2
    assert [i.at for i in incidents] == [T0, T0 + timedelta(hours=5)]
