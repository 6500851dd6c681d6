"""HTTP routes of the admin scheduling API (tenant-scoped, bearer token)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, patch, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, Parameter

from reference_app.auth.deps import provide_principal
from reference_app.deps import Admin, AppSettings, Conn
from reference_app.http.errors import ApiError
from reference_app.http.openapi_responses import error_responses
from reference_app.jobs import service as jobs
from reference_app.jobs.schemas import (
    CreateJob,
    JobEnvelope,
    JobHistory,
    JobList,
    ReasonIn,
    UpdateJob,
)
from reference_app.scheduling.lifecycle import STATUSES, Action
from reference_app.services.controllers import DayParam
from reference_app.services.service import parse_day_range

StatusFilter = Annotated[
    str | None,
    Parameter(
        description="Comma-separated statuses to include, e.g. pending-confirmation,scheduled",
        max_length=200,
        required=False,
    ),
]


def parse_statuses(value: str | None) -> list[str] | None:
    if value is None or not value.strip():
        return None
    wanted = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown:
        raise ApiError(
            422,
            "invalid_status",
            f"Unknown status: {', '.join(unknown)}.",
            {"allowed": list(STATUSES)},
        )
    return wanted


class JobController(Controller):
    path = "/jobs"
    tags = ["admin"]
    dependencies = {"principal": Provide(provide_principal)}
    security = [{"bearerAuth": []}]

    @get("/", responses=error_responses(401))
    async def list_jobs(
        self,
        conn: Conn,
        principal: Admin,
        start: DayParam,
        end: DayParam,
        status: StatusFilter = None,
    ) -> JobList:
        """Jobs overlapping the tenant-local days start..end (inclusive)."""
        first, last = parse_day_range(start, end, jobs.MAX_LIST_DAYS)
        found = await jobs.list_jobs(conn, principal, first, last, parse_statuses(status))
        return JobList(jobs=found)

    @post("/", responses=error_responses(401, 404, 409, 413))
    async def create(
        self, conn: Conn, settings: AppSettings, principal: Admin, data: JSONBody[CreateJob]
    ) -> JobEnvelope:
        """Create a scheduled job; 409 lists the jobs it would overlap."""
        job = await jobs.create_job(conn, principal, data)
        return JobEnvelope(job=job)

    @get("/{job_id:uuid}", responses=error_responses(401, 404))
    async def show(self, conn: Conn, principal: Admin, job_id: FromPath[UUID]) -> JobEnvelope:
        return JobEnvelope(job=await jobs.get_job(conn, principal, job_id))

    @get("/{job_id:uuid}/history", responses=error_responses(401, 404))
    async def history(self, conn: Conn, principal: Admin, job_id: FromPath[UUID]) -> JobHistory:
        return JobHistory(history=await jobs.job_history(conn, principal, job_id))

    @patch("/{job_id:uuid}", responses=error_responses(401, 404, 409, 413))
    async def update(
        self,
        conn: Conn,
        settings: AppSettings,
        principal: Admin,
        job_id: FromPath[UUID],
        data: JSONBody[UpdateJob],
    ) -> JobEnvelope:
        """Edit or reschedule; a move goes through the same conflict rule as create."""
        job = await jobs.update_job(conn, principal, job_id, data)
        return JobEnvelope(job=job)

    async def _transition(
        self,
        conn: Conn,
        settings: AppSettings,
        principal: Admin,
        job_id: FromPath[UUID],
        action: Action,
        reason: str | None = None,
    ) -> JobEnvelope:
        job = await jobs.transition_job(
            conn, principal, job_id, action, reason=reason, now=settings.clock.now()
        )
        return JobEnvelope(job=job)

    @post("/{job_id:uuid}/confirm", status_code=200, responses=error_responses(401, 404, 409))
    async def confirm(
        self, conn: Conn, settings: AppSettings, principal: Admin, job_id: FromPath[UUID]
    ) -> JobEnvelope:
        return await self._transition(conn, settings, principal, job_id, "confirm")

    @post("/{job_id:uuid}/decline", status_code=200, responses=error_responses(401, 404, 409, 413))
    async def decline(
        self,
        conn: Conn,
        settings: AppSettings,
        principal: Admin,
        job_id: FromPath[UUID],
        data: JSONBody[ReasonIn],
    ) -> JobEnvelope:
        return await self._transition(conn, settings, principal, job_id, "decline", data.reason)

    @post("/{job_id:uuid}/start", status_code=200, responses=error_responses(401, 404, 409))
    async def start(
        self, conn: Conn, settings: AppSettings, principal: Admin, job_id: FromPath[UUID]
    ) -> JobEnvelope:
        return await self._transition(conn, settings, principal, job_id, "start")

    @post("/{job_id:uuid}/complete", status_code=200, responses=error_responses(401, 404, 409))
    async def complete(
        self, conn: Conn, settings: AppSettings, principal: Admin, job_id: FromPath[UUID]
    ) -> JobEnvelope:
        return await self._transition(conn, settings, principal, job_id, "complete")

    @post("/{job_id:uuid}/cancel", status_code=200, responses=error_responses(401, 404, 409, 413))
    async def cancel(
        self,
        conn: Conn,
        settings: AppSettings,
        principal: Admin,
        job_id: FromPath[UUID],
        data: JSONBody[ReasonIn],
    ) -> JobEnvelope:
        return await self._transition(conn, settings, principal, job_id, "cancel", data.reason)

    @post("/{job_id:uuid}/no-show", status_code=200, responses=error_responses(401, 404, 409))
    async def no_show(
        self, conn: Conn, settings: AppSettings, principal: Admin, job_id: FromPath[UUID]
    ) -> JobEnvelope:
        """The client did not come: a scheduled job whose start time has passed (409 before)."""
        return await self._transition(conn, settings, principal, job_id, "no-show")
