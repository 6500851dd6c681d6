"""Evidence as people read it: an HTTP exchange, an AWS call and its answer, a file and line."""

from __future__ import annotations

import json
from typing import Any

import httpx

from checklists.model import Evidence

BODY_LIMIT = 2000
# Headers that could hold a secret are shown redacted: reports get shared.
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-amz-security-token"})


def _headers(headers: httpx.Headers) -> dict[str, str]:
    return {k: ("<redacted>" if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}


def _body(content: bytes) -> str:
    text = content.decode("utf-8", errors="replace")
    return text if len(text) <= BODY_LIMIT else text[:BODY_LIMIT] + f"... ({len(text)} characters)"


def http_exchange(label: str, response: httpx.Response) -> Evidence:
    request = response.request
    return Evidence(
        label,
        {
            "request": {
                "method": request.method,
                "url": str(request.url),
                "headers": _headers(request.headers),
            },
            "response": {
                "status": response.status_code,
                "headers": _headers(response.headers),
                "body": _body(response.content),
            },
        },
    )


def http_failure(label: str, method: str, url: str, exc: Exception) -> Evidence:
    return Evidence(
        label, {"request": {"method": method, "url": url}, "error": f"{type(exc).__name__}: {exc}"}
    )


def aws_call(label: str, service: str, operation: str, params: dict[str, Any], answer: Any) -> Evidence:
    """An AWS API call and its answer (ResponseMetadata dropped: it is noise)."""
    if isinstance(answer, dict):
        answer = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
    return Evidence(
        label,
        {
            "call": f"{service}.{operation}",
            "params": params,
            "answer": json.loads(json.dumps(answer, default=str)),
        },
    )


def file_line(label: str, path: str, line: int | None, text: str) -> Evidence:
    return Evidence(label, {"file": path, "line": line, "text": text})
