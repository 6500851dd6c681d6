"""Names of the injected dependencies, marked for Litestar's name-based injection."""

from __future__ import annotations

from litestar.di import NamedDependency

from reference_app.auth.service import Principal
from reference_app.db import Connection
from reference_app.settings import Settings

Conn = NamedDependency[Connection]
AppSettings = NamedDependency[Settings]
Admin = NamedDependency[Principal]
