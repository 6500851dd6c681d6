"""Server-rendered web pages: the public booking page, admin login and the scheduling calendar.

create_app registers page_route_handlers() and page_template_config(); everything else about the
pages lives in this package, its templates in reference_app/templates and its assets in
reference_app/static."""

from __future__ import annotations

from litestar import Router
from litestar.datastructures import ResponseHeader
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from reference_app.pages.auth_pages import AuthPageController
from reference_app.pages.booking_page import BookingPageController
from reference_app.pages.page_errors import PAGE_EXCEPTION_HANDLERS
from reference_app.pages.schedule_page import SchedulePageController
from reference_app.pages.templating import STATIC_DIR, page_template_config

# Scripts and styles come only from our own /static files: an injected inline script never runs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def page_route_handlers() -> list[ControllerRouterHandler]:
    """The page routes (kept out of the OpenAPI schema, answering failures as HTML pages) and
    their static assets under /static."""
    pages = Router(
        path="/",
        route_handlers=[BookingPageController, AuthPageController, SchedulePageController],
        exception_handlers=PAGE_EXCEPTION_HANDLERS,
        include_in_schema=False,
        response_headers=[
            ResponseHeader(name="Content-Security-Policy", value=CONTENT_SECURITY_POLICY),
            ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
            ResponseHeader(name="Referrer-Policy", value="same-origin"),
        ],
    )
    static = create_static_files_router(path="/static", directories=[STATIC_DIR], name="page_static")
    return [pages, static]


__all__ = ["page_route_handlers", "page_template_config"]
