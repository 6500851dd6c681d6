"""Wire shapes of login."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec

from reference_app.http.wire_types import Email, Password


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password


class AdminOut(msgspec.Struct, rename="camel"):
    id: UUID
    email: str
    name: str
    tenant_id: UUID
    time_zone: str


class LoginResponse(msgspec.Struct, rename="camel"):
    token: str
    token_type: str
    expires_at: datetime
    user: AdminOut
