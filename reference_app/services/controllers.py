"""HTTP routes of services: the public page data and the admin CRUD."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide
from litestar.params import FromPath, JSONBody, Parameter

from reference_app.auth.deps import provide_principal
from reference_app.deps import Admin, AppSettings, Conn
from reference_app.failpoints import failpoint_active
from reference_app.http.errors import ApiError
from reference_app.http.openapi_responses import error_responses
from reference_app.http.wire_types import DAY_SHAPE
from reference_app.services import service as services
from reference_app.services.schemas import (
    Availability,
    CreateService,
    PublicService,
    ServiceEnvelope,
    ServiceList,
    UpdateService,
)

# The schema-drift variant (reference_app/faults.py): a cap the schema does not state.
DRIFTED_DURATION_CAP = 720

# The served schema states the full date (openapi_rules.state_full_dates); the route checks the
# shape and answers a date that does not exist with its own code, invalid_date.
DayParam = Annotated[str, Parameter(pattern=DAY_SHAPE, description="YYYY-MM-DD (1971-2199), tenant's zone")]


class PublicServiceController(Controller):
    path = "/services"
    tags = ["public"]

    @get("/{service_id:uuid}", responses=error_responses(404))
    async def show(self, conn: Conn, service_id: FromPath[UUID]) -> PublicService:
        svc = await services.load_bookable_service(conn, service_id)
        return PublicService(
            id=svc.id,
            name=svc.name,
            description=svc.description,
            duration_minutes=svc.duration_minutes,
            business_name=svc.tenant_name,
            time_zone=svc.tz.key,
            booking_settings=svc.settings,
        )

    @get("/{service_id:uuid}/availability", responses=error_responses(404))
    async def availability(
        self, conn: Conn, settings: AppSettings, service_id: FromPath[UUID], start: DayParam, end: DayParam
    ) -> Availability:
        """Bookable slots on the local days start..end (inclusive), with remaining capacity."""
        first, last = services.parse_day_range(start, end, services.MAX_AVAILABILITY_DAYS)
        now = settings.clock.now()
        return await services.availability(conn, service_id, first, last, now)


class AdminServiceController(Controller):
    path = "/admin/services"
    tags = ["admin"]
    dependencies = {"principal": Provide(provide_principal)}
    security = [{"bearerAuth": []}]

    @get("/", responses=error_responses(401))
    async def list_services(self, conn: Conn, principal: Admin) -> ServiceList:
        return ServiceList(services=await services.list_services(conn, principal.tenant_id))

    @post("/", responses=error_responses(401, 413))
    async def create(
        self, conn: Conn, settings: AppSettings, principal: Admin, data: JSONBody[CreateService]
    ) -> ServiceEnvelope:
        if failpoint_active("schema_drift_duration_cap") and data.duration_minutes > DRIFTED_DURATION_CAP:
            raise ApiError(422, "validation_error", "durationMinutes is too long.")
        created = await services.create_service(conn, principal.tenant_id, data)
        return ServiceEnvelope(service=created)

    @get("/{service_id:uuid}", responses=error_responses(401, 404))
    async def show(self, conn: Conn, principal: Admin, service_id: FromPath[UUID]) -> ServiceEnvelope:
        found = await services.get_service(conn, principal.tenant_id, service_id)
        return ServiceEnvelope(service=found)

    @patch("/{service_id:uuid}", responses=error_responses(401, 404, 413))
    async def update(
        self, conn: Conn, principal: Admin, service_id: FromPath[UUID], data: JSONBody[UpdateService]
    ) -> ServiceEnvelope:
        updated = await services.update_service(conn, principal.tenant_id, service_id, data)
        return ServiceEnvelope(service=updated)

    @delete("/{service_id:uuid}", responses=error_responses(401, 404))
    async def remove(self, conn: Conn, principal: Admin, service_id: FromPath[UUID]) -> None:
        await services.delete_service(conn, principal.tenant_id, service_id)
