"""create_app(settings): the Litestar application, with its resources injected."""

from __future__ import annotations

import gc
import logging
from typing import Any

from litestar import Litestar, Request
from litestar.di import Provide
from litestar.exceptions import SerializationException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from reference_app import __version__
from reference_app.auth.controllers import AuthController
from reference_app.bookings.controllers import BookingController
from reference_app.db import pool_lifespan, provide_connection
from reference_app.emails.controllers import OutboxController
from reference_app.emails.feedback import feedback_lifespan
from reference_app.emails.lifespan import outbox_sender_lifespan
from reference_app.failpoints import FailpointScope, failpoints_lifespan
from reference_app.http.allowed_methods import AllowHeaderOnOptions
from reference_app.http.errors import EXCEPTION_HANDLERS, ApiError
from reference_app.http.openapi_strict import state_server_rules
from reference_app.http.strict_body import check_strictly
from reference_app.jobs.controllers import JobController
from reference_app.operations.health import health
from reference_app.pages import page_route_handlers, page_template_config
from reference_app.production import production_route_handlers, wrap_production_edges
from reference_app.services.controllers import AdminServiceController, PublicServiceController
from reference_app.settings import Settings

log = logging.getLogger("reference_app")


class JsonBodyRequest(Request[Any, Any, Any]):
    """A request whose body, when it does not decode as JSON, is always a 400 malformed_json.

    Litestar turns msgspec's DecodeError into a 400 with msgspec's own wording, but lets
    UnicodeDecodeError (bytes that are not UTF-8) and RecursionError (arrays nested thousands
    deep) escape as 500s. A body that decodes is then checked strictly (see strict_body).
    """

    async def json(self) -> Any:
        try:
            value = await super().json()
        except (SerializationException, UnicodeDecodeError, RecursionError):
            raise ApiError(400, "malformed_json", "The request body is not valid JSON.") from None
        return check_strictly(self, value)


def freeze_startup_heap() -> None:
    """What startup allocated (modules, routes, templates, the pool) lives as long as the
    process: moved out of the cyclic collector's reach, a full collection no longer walks it.
    Without this, each full pass stalled the event loop (every request on the server) for up
    to about 90 ms under load."""
    gc.collect()
    gc.freeze()


def _warn_when_unguarded(settings: Settings) -> None:
    if not settings.concurrency_guard:
        log.warning(
            "!!! BOOKING_CONCURRENCY_GUARD=off: slot locks are DISABLED, concurrent bookings "
            "CAN DOUBLE-BOOK. This setting exists only to prove the race tests catch it. !!!"
        )
    if settings.faults:
        log.warning(
            "!!! BOOKING_FAULTS=%s: this service is BROKEN ON PURPOSE, for the harness's teeth "
            "tests only. Never run it for real bookings. !!!",
            ",".join(sorted(settings.faults)),
        )


def create_app(settings: Settings) -> Litestar:
    _warn_when_unguarded(settings)
    app = Litestar(
        route_handlers=[
            health,
            PublicServiceController,
            BookingController,
            AuthController,
            JobController,
            AdminServiceController,
            *page_route_handlers(),
            OutboxController,
            *production_route_handlers(),
        ],
        dependencies={
            "conn": Provide(provide_connection),
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
        },
        # The failpoints' lifespan comes first: the sender and feedback tasks inherit its set.
        lifespan=[
            failpoints_lifespan(settings.failpoints),
            pool_lifespan(settings),
            outbox_sender_lifespan(settings),
            feedback_lifespan(settings),
        ],
        on_startup=[freeze_startup_heap],
        before_send=[AllowHeaderOnOptions()],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
        request_class=JsonBodyRequest,
        template_config=page_template_config(),
        openapi_config=OpenAPIConfig(
            title="Reference booking service",
            version=__version__,
            path="/schema",
            render_plugins=[SwaggerRenderPlugin()],
            components=Components(
                security_schemes={
                    "bearerAuth": SecurityScheme(type="http", scheme="bearer"),
                }
            ),
        ),
    )
    state_server_rules(app.openapi_schema)
    wrap_production_edges(app, settings)
    app.asgi_handler = FailpointScope(app.asgi_handler, settings.failpoints)
    return app


def app_from_env() -> Litestar:
    """Factory for ASGI servers: settings are read from the environment when called."""
    settings = Settings.from_env()
    settings.configure_logging()
    return create_app(settings)
