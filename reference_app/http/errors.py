"""One error shape for every response: {"error": {"code", "message", "details"?}}."""

from __future__ import annotations

import logging
from typing import Any

import msgspec
import psycopg
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from psycopg_pool import PoolTimeout

log = logging.getLogger(__name__)


class ErrorBody(msgspec.Struct):
    code: str
    message: str
    details: Any | None = msgspec.field(default=None)


class ErrorResponse(msgspec.Struct):
    """The body of every 4xx and 5xx response."""

    error: ErrorBody


class ApiError(Exception):
    """A failure the client can act on; carries its HTTP status and machine-readable code."""

    def __init__(
        self, status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}  # e.g. Retry-After on a 429


def not_found(what: str) -> ApiError:
    return ApiError(404, f"{what}_not_found", f"No such {what.replace('_', ' ')}.")


_GENERIC_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}


def _respond(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> Response[Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return Response({"error": body}, status_code=status, media_type="application/json", headers=headers)


def api_error_handler(_: Request[Any, Any, Any], exc: ApiError) -> Response[Any]:
    return _respond(exc.status, exc.code, exc.message, exc.details, exc.headers)


def validation_error_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    # Litestar raises this for undecodable bodies and for values that break the schema.
    detail = exc.detail or "Invalid request"
    if "malformed" in detail.lower() or "invalid json" in detail.lower():
        return _respond(400, "malformed_json", "The request body is not valid JSON.")
    return _respond(422, "validation_error", detail, exc.extra or None)


def http_error_handler(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    code = _GENERIC_CODES.get(exc.status_code, "http_error")
    if exc.status_code >= 500:
        log.error("server error: %s", exc.detail)
    # The router's 405 carries `Allow` (RFC 9110 requires it); other errors' headers pass on too.
    headers = dict(exc.headers) if exc.headers else None
    return _respond(exc.status_code, code, exc.detail or code.replace("_", " "), exc.extra or None, headers)


def database_unavailable_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # The database went away (restart, terminated connection, no pooled connection in time):
    # the service's state, not a bug, so 503 with a hint to retry, not 500. A write cut short
    # here may or may not have committed: clients retry with their Idempotency-Key.
    log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc)
    return _respond(
        503,
        "database_unavailable",
        "The database is unavailable; try again shortly.",
        headers={"Retry-After": "1"},
    )


def unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(
        HTTP_500_INTERNAL_SERVER_ERROR, "internal_error", "The server could not handle the request."
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ApiError: api_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    psycopg.OperationalError: database_unavailable_handler,
    PoolTimeout: database_unavailable_handler,
    Exception: unexpected_error_handler,
}
