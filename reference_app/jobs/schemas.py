"""Wire shapes of jobs (camelCase JSON)."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec

from reference_app.http.wire_types import AwareDatetime, Email, Name, Notes, Phone, Reason, Title
from reference_app.scheduling.lifecycle import Status


class ContactOut(msgspec.Struct, rename="camel"):
    id: UUID
    name: str
    email: str
    phone: str | None


class JobOut(msgspec.Struct, rename="camel"):
    id: UUID
    title: str
    service_id: UUID | None
    contact: ContactOut | None
    start_time: datetime
    end_time: datetime
    status: Status
    source: str
    notes: str | None
    decline_reason: str | None
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime


class JobEnvelope(msgspec.Struct):
    job: JobOut


class JobList(msgspec.Struct):
    jobs: list[JobOut]


class StatusChange(msgspec.Struct, rename="camel"):
    from_status: str | None
    to_status: str
    reason: str | None
    actor: str
    changed_at: datetime


class JobHistory(msgspec.Struct):
    history: list[StatusChange]


class ContactIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    email: Email
    phone: Phone | None = None


class CreateJob(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    title: Title
    start_time: AwareDatetime
    end_time: AwareDatetime | None = None
    service_id: UUID | None = None
    contact: ContactIn | None = None
    notes: Notes | None = None


class UpdateJob(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    title: Title | None = None
    start_time: AwareDatetime | None = None
    end_time: AwareDatetime | None = None
    notes: Notes | None = None


class ReasonIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason


def _utc(value: datetime) -> datetime:
    # Sessions run in UTC (db.py), so this is nearly always the same object.
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def job_from_columns(
    id: UUID,
    tenant_id: UUID,
    service_id: UUID | None,
    title: str,
    start_time: datetime,
    end_time: datetime,
    status: Status,
    source: str,
    notes: str | None,
    decline_reason: str | None,
    cancel_reason: str | None,
    created_at: datetime,
    updated_at: datetime,
    contact_id: UUID | None,
    contact_name: str | None,
    contact_email: str | None,
    contact_phone: str | None,
) -> JobOut:
    """job_out for a row of `jobs_in_range`, taken positionally (psycopg's args_row): a month
    of a busy calendar is thousands of rows, and a dict per row is most of their cost."""
    contact = None
    if contact_id is not None:
        contact = ContactOut(
            id=contact_id, name=contact_name or "", email=contact_email or "", phone=contact_phone
        )
    return JobOut(
        id=id,
        title=title,
        service_id=service_id,
        contact=contact,
        start_time=_utc(start_time),
        end_time=_utc(end_time),
        status=status,
        source=source,
        notes=notes,
        decline_reason=decline_reason,
        cancel_reason=cancel_reason,
        created_at=_utc(created_at),
        updated_at=_utc(updated_at),
    )


# job_out reads the same columns by name; only these may be absent from a row.
_OPTIONAL_COLUMNS = frozenset({"tenant_id", "contact_id", "contact_name", "contact_email", "contact_phone"})
_COLUMNS = tuple(inspect.signature(job_from_columns).parameters)


def job_out(row: dict[str, Any]) -> JobOut:
    """The job of a row holding job_from_columns' columns by name (a contact is optional)."""
    columns: dict[str, Any] = {c: row.get(c) if c in _OPTIONAL_COLUMNS else row[c] for c in _COLUMNS}
    return job_from_columns(**columns)
