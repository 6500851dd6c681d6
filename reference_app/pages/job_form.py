"""The create-job form: its fields, and their translation into the API's CreateJob body.

Dates and times are typed in the business's zone; the body is validated by the same msgspec
schema as POST /jobs, and the job is created by the same jobs.create_job."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar.datastructures import FormMultiDict

from reference_app.http.errors import ApiError
from reference_app.jobs.schemas import CreateJob

FIELDS = (
    "title",
    "date",
    "start",
    "end",
    "service_id",
    "contact_name",
    "contact_email",
    "contact_phone",
    "notes",
)


def form_values(form: FormMultiDict) -> dict[str, str]:
    return {name: str(form.get(name) or "").strip() for name in FIELDS}


def _local_instant(day: str, clock_time: str, tz: ZoneInfo, label: str) -> datetime:
    try:
        # An ambiguous local time (DST fall-back) means its first occurrence (fold=0).
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock_time), tzinfo=tz)
    except ValueError:
        message = f"{label} must be a date (YYYY-MM-DD) and a time (HH:MM)."
        raise ApiError(422, "invalid_form", message) from None


def create_job_body(values: dict[str, str], tz: ZoneInfo) -> CreateJob:
    body: dict[str, Any] = {
        "title": values["title"],
        "startTime": _local_instant(values["date"], values["start"], tz, "Start"),
    }
    if values["end"]:
        body["endTime"] = _local_instant(values["date"], values["end"], tz, "End")
    if values["service_id"]:
        body["serviceId"] = values["service_id"]
    if values["contact_name"] or values["contact_email"] or values["contact_phone"]:
        contact = {"name": values["contact_name"], "email": values["contact_email"]}
        if values["contact_phone"]:
            contact["phone"] = values["contact_phone"]
        body["contact"] = contact
    if values["notes"]:
        body["notes"] = values["notes"]
    try:
        return msgspec.convert(body, CreateJob)
    except msgspec.ValidationError as exc:
        raise ApiError(422, "validation_error", f"Check the form: {exc}") from None
