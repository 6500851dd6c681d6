"""A small real HTTP server for the checklist's tests: each route answers what the test says,
so a check can meet a target that gets one thing wrong (CORS open to *, a pending migration...)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[Request], Answer]


class RouteServer:
    """Routes by (method, path); a path ending in '/*' matches any path below it."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Route] = {}
        self.seen: list[Request] = []

    def route(self, method: str, path: str, route: Route | Answer) -> None:
        self.routes[(method, path)] = _always(route) if isinstance(route, Answer) else route

    def find(self, method: str, path: str) -> Route | None:
        if (method, path) in self.routes:
            return self.routes[(method, path)]
        for (m, pattern), route in self.routes.items():
            if m == method and pattern.endswith("/*") and path.startswith(pattern[:-1]):
                return route
        return None


def _always(answer: Answer) -> Route:
    def route(_request: Request) -> Answer:
        return answer

    return route


def _handler(server: RouteServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            path = urlsplit(self.path).path
            request = Request(
                self.command, path, dict(self.headers.items()), json.loads(raw) if raw else None
            )
            server.seen.append(request)
            route = server.find(self.command, path)
            answer = route(request) if route else Answer(404, {"error": {"code": "not_found"}})
            payload = b"" if answer.body is None else json.dumps(answer.body).encode()
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if payload:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_OPTIONS = do_DELETE = do_PATCH = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serving(routes: RouteServer) -> Iterator[str]:
    """Serve the routes on a free loopback port; yields the base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(routes))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
