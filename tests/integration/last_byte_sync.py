"""Last-byte synchronisation: fire many HTTP/1.1 requests so that they arrive together.

Every request gets its own TCP connection. All connections are opened first; then every
request is written except its final byte and flushed to the kernel; only once every prefix is
out (plus a short settle so the servers have parsed the headers and are waiting for the body)
are the final bytes written, back to back from one event-loop step with no await between
them. No server can start handling a request before its body is complete, so all handlers
start within a fraction of a millisecond of each other. Responses are read to EOF
(`Connection: close`) and parsed into status, headers and body.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class RawRequest:
    host: str
    port: int
    data: bytes

    @classmethod
    def post_json(
        cls, base_url: str, path: str, body: Any, headers: Mapping[str, str] | None = None
    ) -> RawRequest:
        """A complete `POST path` with a JSON body and `Connection: close`."""
        return cls.with_json("POST", base_url, path, body, headers)

    @classmethod
    def with_json(
        cls, method: str, base_url: str, path: str, body: Any, headers: Mapping[str, str] | None = None
    ) -> RawRequest:
        """A complete `METHOD path` with a JSON body (POST, PATCH) and `Connection: close`."""
        parts = urlsplit(base_url)
        if parts.hostname is None or parts.port is None:
            raise ValueError(f"base_url needs an explicit host and port: {base_url!r}")
        payload = json.dumps(body).encode()
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {parts.hostname}:{parts.port}",
            "Content-Type: application/json",
            f"Content-Length: {len(payload)}",
            "Connection: close",
            *(f"{name}: {value}" for name, value in (headers or {}).items()),
        ]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        return cls(parts.hostname, parts.port, head + payload)


@dataclass(frozen=True)
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def parse_response(raw: bytes) -> RawResponse:
    """Parse one HTTP/1.1 response read to EOF (Content-Length, chunked or close-delimited)."""
    head, sep, rest = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError(f"incomplete HTTP response: {raw[:200]!r}")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    version, status, *_ = status_line.split(" ", 2)
    if not version.startswith("HTTP/1."):
        raise ValueError(f"not an HTTP/1.x status line: {status_line!r}")
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = _dechunk(rest)
    elif "content-length" in headers:
        length = int(headers["content-length"])
        if len(rest) < length:
            raise ValueError(f"body truncated: {len(rest)} of {length} bytes")
        body = rest[:length]
    else:
        body = rest
    return RawResponse(int(status), headers, body)


def _dechunk(data: bytes) -> bytes:
    body = bytearray()
    while True:
        size_line, sep, data = data.partition(b"\r\n")
        if not sep:
            raise ValueError("truncated chunked body")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return bytes(body)
        body += data[:size]
        data = data[size + 2 :]


async def _race(requests: Sequence[RawRequest], settle_seconds: float) -> list[RawResponse]:
    if not requests or any(len(r.data) < 2 for r in requests):
        raise ValueError("need at least one request, each at least two bytes long")
    streams = await asyncio.gather(*(asyncio.open_connection(r.host, r.port) for r in requests))
    try:

        async def send_prefix(writer: asyncio.StreamWriter, data: bytes) -> None:
            writer.write(data[:-1])
            await writer.drain()

        # Phase 1: every request minus its last byte, all flushed before anything else happens.
        await asyncio.gather(*(send_prefix(w, r.data) for (_, w), r in zip(streams, requests, strict=True)))
        await asyncio.sleep(settle_seconds)
        # Phase 2: all the last bytes in one synchronous loop. With an empty send buffer,
        # StreamWriter.write hands the byte straight to the socket, so no await separates them.
        for (_, writer), request in zip(streams, requests, strict=True):
            writer.write(request.data[-1:])
        await asyncio.gather(*(w.drain() for _, w in streams))
        # Phase 3: every response, read to EOF.
        raw = await asyncio.gather(*(r.read() for r, _ in streams))
        return [parse_response(data) for data in raw]
    finally:
        for _, writer in streams:
            writer.close()
        await asyncio.gather(*(w.wait_closed() for _, w in streams), return_exceptions=True)


async def _race_within(
    requests: Sequence[RawRequest], settle_seconds: float, limit: float
) -> list[RawResponse]:
    async with asyncio.timeout(limit):
        return await _race(requests, settle_seconds)


def fire_synchronised(
    requests: Sequence[RawRequest], *, settle_seconds: float = 0.2, timeout: float = 30
) -> list[RawResponse]:
    """Send all requests with last-byte synchronisation; responses in request order."""
    return asyncio.run(_race_within(requests, settle_seconds, timeout))
