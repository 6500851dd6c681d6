"""OpenAPI descriptions of the error responses each route can give."""

from __future__ import annotations

from litestar.openapi.datastructures import ResponseSpec

from reference_app.http.errors import ErrorResponse

_DESCRIPTIONS = {
    400: "Malformed request (for example a body that is not JSON)",
    401: "Missing, invalid or expired bearer token",
    404: "Not found (or not visible to this tenant)",
    409: "Conflict: slot full, overlapping jobs, or a transition the lifecycle forbids",
    413: "Request body too large",
    422: "Validation failed or a booking rule rejected the request",
    429: "Too many attempts from this client or for this account; see Retry-After",
}


def error_responses(*codes: int) -> dict[int, ResponseSpec]:
    """Every route can also answer 400 and 422 (bad input); add the codes it names."""
    wanted = sorted({400, 422, *codes})
    return {
        code: ResponseSpec(data_container=ErrorResponse, description=_DESCRIPTIONS[code]) for code in wanted
    }
