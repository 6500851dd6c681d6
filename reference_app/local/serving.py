"""Whether a child server's own log says it is serving on a URL: a health answer alone does not
prove it, since another program may hold the port (two stacks that drew the same free port, one
binding it first) while this child is still starting and about to fail its bind."""

from __future__ import annotations

import re
from pathlib import Path


def serves_on(log_path: Path | None, url: str) -> bool:
    """True once the log has the line uvicorn ("Uvicorn running on URL") or werkzeug, under
    moto ("* Running on URL"), prints after binding; True with no log to read (nothing to
    prove it by)."""
    if log_path is None:
        return True
    try:
        text = log_path.read_text(errors="replace")
    except FileNotFoundError:
        return False
    return re.search(rf"running on {re.escape(url)}(?![\d])", text, re.IGNORECASE) is not None
