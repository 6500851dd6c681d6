"""Whether blocking I/O in this process yields to other greenlets: Locust runs its users as
greenlets, and an adapter's HTTP client (httpx) and database reads (psycopg) use the standard
library's sockets. Locust patches the standard library with gevent when it is imported, before
the locustfile; this checks the patch took, for the sockets and for psycopg's wait. Importing
this module patches nothing."""

from __future__ import annotations

import sys

import gevent.monkey


def gevent_ready() -> str | None:
    """Why an adapter's I/O would block every other user of this process (None: it would
    not): socket, select and ssl must be gevent's, and psycopg must wait through them."""
    for module in ("socket", "select", "ssl"):
        if not gevent.monkey.is_module_patched(module):
            return f"the standard {module} module is not patched by gevent"
    waiting = sys.modules.get("psycopg.waiting")
    if waiting is not None and getattr(waiting, "wait", None) is getattr(waiting, "wait_c", object()):
        return "psycopg was imported before gevent patched select (its C wait would block)"
    return None
