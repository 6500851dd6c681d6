"""Every request, once: its id (X-Request-ID, taken when sane, else generated; echoed back),
one JSON log line (id, method, route template, status, duration, tenant when known), and the
request and business counters of reference_app.operations.metrics.

Wrapped around the whole application, so 404s, errors and refused preflights are counted too.
The log line names routes by template, never the query string or any header: no tokens, no
passwords, no client addresses in the request log.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from typing import Any, cast

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from reference_app.operations import metrics
from reference_app.scheduling.lifecycle import ACTIONS

log = logging.getLogger("reference_app.requests")

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# Route templates as Litestar writes them in the scope: parameter names without their types.
_TRANSITION = re.compile(r"^/jobs/\{job_id\}/(confirm|decline|start|complete|cancel|no-show)$")
_PAGE_TRANSITION = "/schedule/jobs/{job_id}/{action}"
BOOKING_ROUTE = "/services/{service_id}/book"
BOOKING_PAGE_ROUTE = "/book/{service_id}"
# Error bodies of refused bookings are small; a larger one is not read for its code.
_MAX_CODE_BODY = 4096


def configure_request_log() -> None:
    """One JSON object per line on stderr, whatever format the rest of the logs use."""
    if any(getattr(h, "request_log", False) for h in log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.request_log = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.propagate = False


def note_tenant(scope: Scope, tenant_id: object) -> None:
    """Called where a request's tenant becomes known, for its log line."""
    scope.setdefault("state", {})["tenant_id"] = str(tenant_id)  # type: ignore[typeddict-item]


def _request_id(scope: Scope) -> str:
    for key, value in scope["headers"]:
        if key == b"x-request-id":
            candidate = value.decode("latin-1")
            if _SANE_REQUEST_ID.match(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def _error_code(body: bytes) -> str:
    try:
        return str(json.loads(body)["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return "unknown"


def _record_business(scope: Scope, route: str, status: int, body: bytes) -> None:
    method = cast("HTTPScope", scope)["method"]
    if route == BOOKING_ROUTE and method == "POST":
        if status == 201:
            metrics.BOOKINGS.labels("booked", "").inc()
            referer = _header(scope, b"referer")
            if "/book/" in referer:
                metrics.BOOKING_PAGE_BOOKINGS.inc()
        elif status == 409:
            metrics.BOOKINGS.labels("slot_unavailable", "slot_unavailable").inc()
        elif status == 422:
            metrics.BOOKINGS.labels("refused", _error_code(body)).inc()
    elif route == BOOKING_PAGE_ROUTE and method == "GET" and status == 200:
        metrics.BOOKING_PAGE_VIEWS.inc()
    elif method == "POST" and 200 <= status < 400:
        match = _TRANSITION.match(route)
        if match:
            metrics.JOB_TRANSITIONS.labels(match[1]).inc()
        elif route == _PAGE_TRANSITION and status == 303:
            action = scope.get("path_params", {}).get("action", "")
            if action in ACTIONS:
                metrics.JOB_TRANSITIONS.labels(action).inc()


class RequestTelemetry:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        started = time.perf_counter()
        status = 500  # what a request that never started its response counts as
        body = bytearray()

        async def wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)["X-Request-ID"] = request_id
            elif message["type"] == "http.response.body":
                if status == 422 and len(body) < _MAX_CODE_BODY:
                    body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            self.finish(scope, request_id, status, time.perf_counter() - started, bytes(body))

    def finish(self, scope: Scope, request_id: str, status: int, seconds: float, body: bytes) -> None:
        route = str(scope.get("path_template") or "unmatched")
        method = cast("HTTPScope", scope)["method"]
        klass = metrics.status_class(status)
        metrics.REQUESTS.labels(route, method, klass).inc()
        metrics.REQUEST_SECONDS.labels(route, method, klass).observe(seconds)
        _record_business(scope, route, status, body)
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z",
            "event": "request",
            "requestId": request_id,
            "method": method,
            "route": route,
            "status": status,
            "durationMs": round(seconds * 1000, 2),
        }
        tenant = scope.get("state", {}).get("tenant_id")
        if tenant:
            entry["tenant"] = tenant
        log.info(json.dumps(entry))
