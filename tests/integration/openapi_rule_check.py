"""A schemathesis check of the rule the served schema declares for its 422s: a request the schema
calls valid may be refused only with a rule code the operation declares, never with
`validation_error` (the code of a request that breaks the schema itself).

schemathesis's positive_data_acceptance allows 422 on the operations with rules no schema can
state (schemathesis.toml); this check keeps that allowance from hiding a schema that drifted
from the server: a server stricter than its schema answers valid data `validation_error`."""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

SCHEMA_CODE = "validation_error"


def _error_code(response: schemathesis.Response) -> Any:
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


def refused_only_by_a_declared_rule(
    ctx: Any, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    if is_unexpected_http_status_case(case):
        return None
    code = _error_code(response)
    if code == SCHEMA_CODE:
        raise AssertionError(
            f"{case.operation.label}: the schema calls this request valid, the server refuses it as "
            f"invalid ({SCHEMA_CODE}): {response.content[:500]!r}"
        )
    return None
