"""Wire shape of a public booking request."""

from __future__ import annotations

import msgspec

from reference_app.http.wire_types import AwareDatetime, Notes
from reference_app.jobs.schemas import ContactIn


class BookRequest(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    start_time: AwareDatetime
    contact: ContactIn
    notes: Notes | None = None
