"""Durations as the harness's options take them: 30s, 2m, 1h30m, or plain seconds (90)."""

from __future__ import annotations

import re

_DURATION = re.compile(r"^(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+(?:\.\d+)?)s?)?$")


def parse_seconds(text: str) -> float:
    """Seconds in `text`; ValueError naming the accepted forms when it is not a duration."""
    stripped = text.strip()
    match = _DURATION.match(stripped)
    if not stripped or match is None:
        raise ValueError(f"expects a duration such as 30s, 2m or 1h30m, got {text!r}")
    hours, minutes, seconds = (float(match[k] or 0) for k in ("h", "m", "s"))
    return hours * 3600 + minutes * 60 + seconds
