"""Name a CSS colour by its hue, so tests assert "orange", not a particular shade of it."""

from __future__ import annotations

import colorsys
import re

_RGB = re.compile(r"rgba?\((\d+),\s*(\d+),\s*(\d+)")


def colour_name(css: str) -> str:
    found = _RGB.match(css)
    if found is None:
        raise ValueError(f"not an rgb() colour: {css!r}")
    red, green, blue = (int(part) / 255 for part in found.groups())
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    if saturation < 0.25 or lightness < 0.1 or lightness > 0.95:
        return "grey"
    degrees = hue * 360
    for limit, name in [(12, "red"), (40, "orange"), (70, "yellow"), (170, "green"), (260, "blue")]:
        if degrees < limit:
            return name
    return "red" if degrees >= 340 else "purple"


STATUS_COLOURS = {
    "scheduled": "blue",
    "in-progress": "yellow",
    "completed": "green",
    "cancelled": "red",
    "pending-confirmation": "orange",
    "no-show": "purple",
}
