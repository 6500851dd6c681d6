"""OpenAPI links from what creates a job or a service to the operations that act on it, so a
client (and schemathesis's stateful phase) can follow a created id instead of guessing one."""

from __future__ import annotations

from litestar.openapi.spec import Link, OpenAPI, OpenAPIResponse, Operation

# (method, path, status) of a creating operation -> (path parameter, where its id is in the body).
_CREATORS: dict[tuple[str, str, str], tuple[str, str]] = {
    ("post", "/jobs", "201"): ("job_id", "$response.body#/job/id"),
    ("post", "/services/{service_id}/book", "201"): ("job_id", "$response.body#/job/id"),
    ("post", "/admin/services", "201"): ("service_id", "$response.body#/service/id"),
}
_METHODS = ("get", "put", "post", "delete", "patch")


def _operations(openapi: OpenAPI) -> list[tuple[str, str, Operation]]:
    found = []
    for path, item in (openapi.paths or {}).items():
        for method in _METHODS:
            operation = getattr(item, method, None)
            if isinstance(operation, Operation):
                found.append((method, path, operation))
    return found


def link_created_resources(openapi: OpenAPI) -> None:
    operations = _operations(openapi)
    for (method, path, status), (parameter, source) in _CREATORS.items():
        creator = next((op for m, p, op in operations if (m, p) == (method, path)), None)
        response = (creator.responses or {}).get(status) if creator is not None else None
        if not isinstance(response, OpenAPIResponse):
            continue
        links = dict(response.links or {})
        for _, target_path, target in operations:
            if "{" + parameter + "}" in target_path and target.operation_id:
                links[target.operation_id] = Link(
                    operation_id=target.operation_id, parameters={parameter: source}
                )
        response.links = links
