"""The served schema states the rules the service enforces beyond field types: the rule between
fields of a new job, and, per operation, every code its 422 can carry.

A rule no JSON Schema can state (a slot must lie in the future; an interval must end after it
starts; a date range may span at most 62 days) is declared instead: the operation's 422
response lists its codes as an enum, so a client (and the fuzz test's response check) knows
every refusal it can meet, and any other code is a contract break. `validation_error` is the
code of a request the schema itself calls invalid; a request the schema calls valid may only
be refused with one of the rule codes.
"""

from __future__ import annotations

from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, OpenAPIResponse, Operation, Reference, Schema
from litestar.openapi.spec.enums import OpenAPIType

from reference_app.http.wire_types import DAY_SHAPE, FULL_DATE_PATTERN
from reference_app.scheduling.booking_settings import WORKING_HOURS_RULE
from reference_app.scheduling.rules import RULE_MESSAGES

SCHEMA_CODE = "validation_error"
_DAY_RANGE = ("invalid_date", "invalid_range", "range_too_large", "time_out_of_range")
_TIMES = ("naive_datetime", "time_out_of_range")

# (method, path) -> the codes of rules the schema cannot state, each a possible 422.
RULE_CODES: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "/services/{service_id}/availability"): _DAY_RANGE,
    ("GET", "/jobs"): (*_DAY_RANGE, "invalid_status"),
    ("POST", "/services/{service_id}/book"): (*_TIMES, *RULE_MESSAGES, "idempotency_key_reused"),
    ("POST", "/jobs"): (*_TIMES, "invalid_interval", "end_time_required"),
    ("PATCH", "/jobs/{job_id}"): (*_TIMES, "invalid_interval"),
    ("POST", "/admin/services"): (WORKING_HOURS_RULE,),
    ("PATCH", "/admin/services/{service_id}"): (WORKING_HOURS_RULE,),
}


def _operation(openapi: OpenAPI, method: str, path: str) -> Operation | None:
    item = (openapi.paths or {}).get(path)
    found = getattr(item, method.lower(), None) if item is not None else None
    return found if isinstance(found, Operation) else None


def declare_rule_codes(openapi: OpenAPI) -> None:
    for (method, path), codes in RULE_CODES.items():
        operation = _operation(openapi, method, path)
        if operation is None or operation.responses is None:
            continue
        described = operation.responses.get("422")
        description = described.description if isinstance(described, OpenAPIResponse) else ""
        code = Schema(type=OpenAPIType.STRING, enum=[SCHEMA_CODE, *codes])
        error = Schema(type=OpenAPIType.OBJECT, properties={"code": code}, required=["code"])
        schema = Schema(
            all_of=[Reference(ref="#/components/schemas/ErrorResponse")],
            properties={"error": error},
        )
        operation.responses["422"] = OpenAPIResponse(
            description=f"{description}. Codes: {SCHEMA_CODE} (the schema's own rules), {', '.join(codes)}",
            content={"application/json": OpenAPIMediaType(schema=schema)},
        )


def state_full_dates(openapi: OpenAPI) -> None:
    """A day parameter's pattern becomes the full date: only dates that exist, in the years the
    service handles. (The route checks the shape; a date that does not exist is its 422
    `invalid_date`, a year outside them `time_out_of_range`.)"""
    for item in (openapi.paths or {}).values():
        for method in ("get", "put", "post", "delete", "patch"):
            operation = getattr(item, method, None)
            for parameter in (operation.parameters or []) if isinstance(operation, Operation) else []:
                schema = getattr(parameter, "schema", None)
                if isinstance(schema, Schema) and schema.pattern == DAY_SHAPE:
                    schema.pattern = FULL_DATE_PATTERN


def require_end_or_service(openapi: OpenAPI) -> None:
    """A new job needs an endTime or a serviceId (whose duration gives the end)."""
    create_job = (openapi.components.schemas or {}).get("CreateJob")
    if not isinstance(create_job, Schema):
        return
    create_job.any_of = [
        Schema(required=["endTime"], properties={"endTime": Schema(type=OpenAPIType.STRING)}),
        Schema(required=["serviceId"], properties={"serviceId": Schema(type=OpenAPIType.STRING)}),
    ]
