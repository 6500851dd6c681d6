"""create_app(settings): the Litestar application, with its resources injected."""

from __future__ import annotations

import logging

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from reference_app import __version__
from reference_app.auth.controllers import AuthController
from reference_app.bookings.controllers import BookingController
from reference_app.db import pool_lifespan, provide_connection
from reference_app.errors import EXCEPTION_HANDLERS
from reference_app.health import health
from reference_app.jobs.controllers import JobController
from reference_app.services.controllers import AdminServiceController, PublicServiceController
from reference_app.settings import Settings

log = logging.getLogger("reference_app")


def _warn_when_unguarded(settings: Settings) -> None:
    if not settings.concurrency_guard:
        log.warning(
            "!!! BOOKING_CONCURRENCY_GUARD=off: slot locks are DISABLED, concurrent bookings "
            "CAN DOUBLE-BOOK. This setting exists only to prove the race tests catch it. !!!"
        )


def create_app(settings: Settings) -> Litestar:
    _warn_when_unguarded(settings)
    return Litestar(
        route_handlers=[
            health,
            PublicServiceController,
            BookingController,
            AuthController,
            JobController,
            AdminServiceController,
        ],
        dependencies={
            "conn": Provide(provide_connection),
            "settings": Provide(lambda: settings, use_cache=True, sync_to_thread=False),
        },
        lifespan=[pool_lifespan(settings)],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
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


def app_from_env() -> Litestar:
    """Factory for ASGI servers: settings are read from the environment when called."""
    settings = Settings.from_env()
    settings.configure_logging()
    return create_app(settings)
