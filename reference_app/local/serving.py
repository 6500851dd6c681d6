"""Whether a child server's own log says it is serving on a URL: a health answer alone does not
prove it, since another program may hold the port (two stacks that drew the same free port, one
binding it first) while this child is still starting and about to fail its bind."""

from __future__ import annotations

import re
from pathlib import Path


def log_size(log_path: Path | None) -> int:
    """Where a child's lines will start in a log it appends to (0 for a new or absent log)."""
    try:
        return log_path.stat().st_size if log_path is not None else 0
    except FileNotFoundError:
        return 0


def serves_on(log_path: Path | None, url: str, since: int = 0) -> bool:
    """True once the log, from byte `since` on (where this child's lines start, in a log that
    earlier runs appended to), has the line uvicorn ("Uvicorn running on URL") or werkzeug,
    under moto ("* Running on URL"), prints after binding; True with no log to read (nothing to
    prove it by)."""
    if log_path is None:
        return True
    try:
        with log_path.open("rb") as log:
            log.seek(since)
            text = log.read().decode(errors="replace")
    except FileNotFoundError:
        return False
    return re.search(rf"running on {re.escape(url)}(?![\d])", text, re.IGNORECASE) is not None
