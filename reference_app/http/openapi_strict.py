"""The served schema says what the service enforces on request bodies: a body type that
refuses unknown fields is `additionalProperties: false`, and working hours are keyed by
weekday with at most eight intervals a day. Without this, a client generated from the schema
(or a fuzzer) would send bodies the service must reject."""

from __future__ import annotations

from collections.abc import Iterator

import msgspec
from litestar.openapi.spec import OpenAPI, Schema
from litestar.openapi.spec.enums import OpenAPIType

from reference_app.http.openapi_links import link_created_resources
from reference_app.http.openapi_rules import declare_rule_codes, require_end_or_service, state_full_dates
from reference_app.scheduling.booking_settings import MAX_INTERVALS_PER_DAY, WEEKDAYS


def _structs(base: type[msgspec.Struct] = msgspec.Struct) -> Iterator[type[msgspec.Struct]]:
    for cls in base.__subclasses__():
        if cls.__module__.startswith("reference_app."):
            yield cls
        yield from _structs(cls)


def close_request_schemas(openapi: OpenAPI) -> None:
    schemas = openapi.components.schemas or {}
    closed = {cls.__name__ for cls in _structs() if cls.__struct_config__.forbid_unknown_fields}
    for name, schema in schemas.items():
        if name in closed and isinstance(schema, Schema):
            schema.additional_properties = False
    settings = schemas.get("BookingSettings")
    hours = (settings.properties or {}).get("workingHours") if isinstance(settings, Schema) else None
    if isinstance(hours, Schema):
        hours.property_names = Schema(type=OpenAPIType.STRING, enum=list(WEEKDAYS))
        # Litestar drops the length limit of a dict's values; the server keeps it.
        if isinstance(hours.additional_properties, Schema):
            hours.additional_properties.max_items = MAX_INTERVALS_PER_DAY


def state_server_rules(openapi: OpenAPI) -> None:
    """Everything the served schema says beyond what Litestar derives from the handlers."""
    close_request_schemas(openapi)
    require_end_or_service(openapi)
    state_full_dates(openapi)
    declare_rule_codes(openapi)
    link_created_resources(openapi)
