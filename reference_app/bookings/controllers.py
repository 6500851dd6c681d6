"""HTTP route of the public booking."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, post
from litestar.datastructures import State
from litestar.params import FromPath, HeaderParameter, JSONBody

from reference_app.bookings.ack_before_commit import book_then_commit_later
from reference_app.bookings.schemas import BookRequest
from reference_app.bookings.service import book_slot
from reference_app.deps import AppSettings, Conn
from reference_app.failpoints import failpoint_active
from reference_app.http.abuse_limits import count_bookings_made, public_booking_limit
from reference_app.http.openapi_responses import error_responses
from reference_app.jobs.schemas import JobEnvelope
from reference_app.services.service import load_bookable_service

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Retries with the same key return the first response and book nothing new",
        required=False,
    ),
]


class BookingController(Controller):
    path = "/services"
    tags = ["public"]
    guards = [public_booking_limit]
    middleware = [count_bookings_made]

    @post("/{service_id:uuid}/book", status_code=201, responses=error_responses(404, 409, 413, 429))
    async def book(
        self,
        conn: Conn,
        settings: AppSettings,
        state: State,
        service_id: FromPath[UUID],
        data: JSONBody[BookRequest],
        idempotency_key: IdempotencyKey = None,
    ) -> Response[JobEnvelope]:
        """Book a slot: 201 with the job, pending-confirmation or scheduled per the service."""
        if failpoint_active("load_ack_before_commit"):
            return await book_then_commit_later(
                state.pool, service_id, data, settings=settings, idempotency_key=idempotency_key
            )
        service = await load_bookable_service(conn, service_id)
        if failpoint_active("e2e_rule_same_day_off"):
            lax = msgspec.structs.replace(service.settings, same_day_booking=True)
            service = dataclasses.replace(service, settings=lax)
        result = await book_slot(
            conn,
            service,
            data,
            now=settings.clock.now(),
            idempotency_key=idempotency_key,
        )
        headers: dict[str, Any] = {"Idempotent-Replayed": "true"} if result.replayed else {}
        return Response(result.body, status_code=result.status_code, headers=headers)
