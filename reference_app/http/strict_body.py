"""JSON request bodies are checked in msgspec's strict mode: a value of the wrong JSON type is
a 422, never coerced.

Litestar converts handler arguments in msgspec's lax mode, which suits query strings and
forms (where everything is a string) but would take "30" for an integer, "true" or 1 for a
boolean and 5 for a datetime (Unix time) in a JSON body. So the decoded body is first checked
against the handler's body type strictly; Litestar's own conversion then runs as before.

JSON has one number type: `846.0` is the integer 846 to JSON Schema (and to every client that
serialises numbers as floats), so an integral number is taken as the integer it is before the
check, while `"30"` and `true` stay refused. A rule between fields that the schema cannot state
(a working interval that must end after it starts) raises a `RuleViolation` carrying its own
code, which the 422 names instead of `validation_error`.

Litestar reads the body before it resolves dependencies, so on routes that need a signed-in
admin the strict error waits until the principal is known: a request without a valid token is
a 401 whatever its body, as before.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Request

from reference_app.http.errors import ApiError
from reference_app.scheduling.booking_settings import RuleViolation

_NO_BODY = object()
_HELD = "reference_app.strict_body_problem"
_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$\.?(?P<key>[^`]*)`)?$", re.DOTALL)


def _body_type(handler: Any) -> tuple[Any, bool]:
    """The handler's `data` annotation (what its body must be) or _NO_BODY, and whether the
    route needs a signed-in admin (both looked up in what Litestar keeps per handler)."""
    parameter = handler.parsed_fn_signature.parameters.get("data")
    needs_admin = "principal" in handler.resolve_dependencies()
    return (parameter.annotation if parameter is not None else _NO_BODY), needs_admin


def integral_numbers_as_int(value: Any) -> Any:
    """The decoded JSON with every integral float (846.0) as the int it equals."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {key: integral_numbers_as_int(item) for key, item in value.items()}
    if isinstance(value, list):
        return [integral_numbers_as_int(item) for item in value]
    return value


def check_strictly(request: Request[Any, Any, Any], value: Any) -> Any:
    """The body as the handler will read it; raises (or, on admin routes, holds until the admin
    is known) the same 422 Litestar raises for a body that breaks the schema, judged in strict
    mode."""
    handler = request.scope.get("route_handler")
    target, needs_admin = _body_type(handler) if handler is not None else (_NO_BODY, False)
    if target is _NO_BODY:
        return value
    value = integral_numbers_as_int(value)
    try:
        msgspec.convert(value, type=target, strict=True)
    except msgspec.ValidationError as exc:
        found = _AT.match(str(exc))
        message, key = (found["message"], found["key"] or "") if found else (str(exc), "")
        code = exc.__cause__.code if isinstance(exc.__cause__, RuleViolation) else "validation_error"
        problem = (code, f"Validation failed for {request.method} {request.url.path}", message, key)
        if not needs_admin:
            raise _error(*problem) from None
        # Only the words are kept: an exception held in the scope would keep the request's
        # dependency frames (and its pooled connection) alive after the request.
        request.scope[_HELD] = problem  # type: ignore[literal-required]
    return value


def _error(code: str, detail: str, message: str, key: str) -> ApiError:
    return ApiError(422, code, detail, [{"message": message, "key": key, "source": "body"}])


def raise_held_body_error(request: Request[Any, Any, Any]) -> None:
    """Once the admin is known: the strict body error check_strictly held, if any."""
    problem: tuple[str, str, str, str] | None = request.scope.get(_HELD)  # type: ignore[assignment]
    if problem is not None:
        raise _error(*problem)
