"""The admin scheduling page: a calendar of the signed-in admin's tenant, a job detail panel with
the lifecycle moves the job allows, and a create-job form. Every change goes through the jobs
service, the same functions the JSON API calls."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Response, Template

from reference_app.db import Connection
from reference_app.deps import AppSettings, Conn
from reference_app.failpoints import failpoint_active
from reference_app.http.errors import ApiError, not_found
from reference_app.jobs import service as jobs
from reference_app.jobs.schemas import JobOut, ReasonIn, StatusChange
from reference_app.pages.calendar import calendar_range, jobs_by_day, parse_view
from reference_app.pages.csrf import check_csrf
from reference_app.pages.job_form import FIELDS, create_job_body, form_values
from reference_app.pages.session import PageSession, Session, provide_page_session
from reference_app.pages.templating import schedule_url
from reference_app.scheduling.lifecycle import ACTIONS, TRANSITIONS, allowed_now
from reference_app.services.service import list_services
from reference_app.settings import Settings

ACTIONS_WITH_REASON: frozenset[str] = frozenset({"decline", "cancel"})
assert {action for action, _ in TRANSITIONS} == set(ACTIONS)
DONE_NOTICES = {
    "confirm": "Job confirmed.",
    "decline": "Job declined.",
    "start": "Job started.",
    "complete": "Job completed.",
    "cancel": "Job cancelled.",
    "no-show": "Job marked as a no-show.",
    "create": "Job created.",
}


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _conflicts(error: ApiError | None) -> list[dict[str, Any]]:
    if error is None or not isinstance(error.details, dict):
        return []
    out = []
    for item in error.details.get("conflicts") or []:
        out.append(
            {
                "title": item["title"],
                "status": item["status"],
                "start": datetime.fromisoformat(item["startTime"]),
                "end": datetime.fromisoformat(item["endTime"]),
            }
        )
    return out


async def _selected_job(
    conn: Connection, session: PageSession, job_id: str | None
) -> tuple[JobOut | None, list[StatusChange], ApiError | None]:
    if not job_id:
        return None, [], None
    try:
        uuid = UUID(job_id)
        job = await jobs.get_job(conn, session.principal, uuid)
        return job, await jobs.job_history(conn, session.principal, uuid), None
    except ValueError:
        return None, [], not_found("job")
    except ApiError as exc:
        return None, [], exc


async def render_schedule(
    conn: Connection,
    settings: Settings,
    session: Session,
    *,
    view: str | None,
    day: str | None,
    job_id: str | None = None,
    notice: str | None = None,
    error: ApiError | None = None,
    form: dict[str, str] | None = None,
) -> Template:
    principal = session.principal
    tz = principal.tz
    today = settings.clock.now().astimezone(tz).date()
    cal = calendar_range(parse_view(view), _day(day, today))
    found = await jobs.list_jobs(conn, principal, cal.first, cal.last, None)
    selected, history, job_error = await _selected_job(conn, session, job_id)
    shown_error = error or job_error
    now = settings.clock.now()
    actions = [
        a
        for a in ACTIONS
        if selected is not None and allowed_now(a, selected.status, selected.start_time, now) is not None
    ]
    if selected is not None and failpoint_active("e2e_calendar_offers_every_move"):
        actions = list(ACTIONS)
    return Template(
        "schedule/page.html",
        context={
            "principal": principal,
            "tz": tz,
            "csrf_token": session.csrf_token,
            "cal": cal,
            "today": today,
            "days": jobs_by_day(found, cal.days, tz),
            "selected": selected,
            "history": history,
            "actions": actions,
            "actions_with_reason": ACTIONS_WITH_REASON,
            "services": await list_services(conn, principal.tenant_id),
            "form": form or dict.fromkeys(FIELDS, "") | {"date": cal.anchor.isoformat()},
            "form_open": form is not None,
            "notice": notice,
            "error": shown_error,
            "conflicts": _conflicts(shown_error),
        },
        status_code=shown_error.status if shown_error else 200,
        headers={"Cache-Control": "no-store"},
    )


class SchedulePageController(Controller):
    path = "/schedule"
    dependencies = {"session": Provide(provide_page_session)}

    @get("/")
    async def schedule(
        self,
        conn: Conn,
        settings: AppSettings,
        session: Session,
        view: FromQuery[str | None] = None,
        day: Annotated[str | None, QueryParameter(name="date")] = None,
        job: FromQuery[str | None] = None,
        done: FromQuery[str | None] = None,
    ) -> Template:
        return await render_schedule(
            conn, settings, session, view=view, day=day, job_id=job, notice=DONE_NOTICES.get(done or "")
        )

    @post("/jobs")
    async def create(
        self, request: Request[Any, Any, Any], conn: Conn, settings: AppSettings, session: Session
    ) -> Response[Any]:
        form = await request.form()
        check_csrf(form, session.csrf_token)
        values = form_values(form)
        view = str(form.get("view") or "")
        try:
            body = create_job_body(values, session.principal.tz)
            job = await jobs.create_job(
                conn,
                session.principal,
                body,
            )
        except ApiError as exc:
            return await render_schedule(
                conn, settings, session, view=view, day=values["date"], error=exc, form=values
            )
        day = job.start_time.astimezone(session.principal.tz).date()
        return Redirect(schedule_url(parse_view(view), day, job.id, done="create"), status_code=303)

    @post("/jobs/{job_id:str}/{action:str}")
    async def act(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        settings: AppSettings,
        session: Session,
        job_id: FromPath[str],
        action: FromPath[str],
    ) -> Response[Any]:
        form = await request.form()
        check_csrf(form, session.csrf_token)
        view, day = str(form.get("view") or ""), str(form.get("date") or "")
        try:
            move = next((a for a in ACTIONS if a == action), None)
            if move is None:
                raise ApiError(404, "action_not_found", f"No such action: {action}.")
            reason = None
            if move in ACTIONS_WITH_REASON:
                reason = msgspec.convert({"reason": str(form.get("reason") or "")}, ReasonIn).reason
            await jobs.transition_job(
                conn,
                session.principal,
                UUID(job_id),
                move,
                reason=reason,
                now=settings.clock.now(),
            )
        except msgspec.ValidationError:
            error = ApiError(422, "reason_required", f"Give a reason to {action} this job.")
        except ValueError:
            error, job_id = not_found("job"), ""
        except ApiError as exc:
            error = exc
        else:
            today = settings.clock.now().astimezone(session.principal.tz).date()
            return Redirect(
                schedule_url(parse_view(view), _day(day, today), job_id, done=move), status_code=303
            )
        return await render_schedule(conn, settings, session, view=view, day=day, job_id=job_id, error=error)
