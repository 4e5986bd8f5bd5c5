"""Time zones and wall-clock times as people type them, shared by every feature."""

from __future__ import annotations

import re
from datetime import time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from rapidfuzz import fuzz, process

_CLOCK = re.compile(r"^\s*([01]?\d|2[0-3])(?:[:.h]([0-5]\d)|h)\s*$")
_TWELVE_HOUR = re.compile(r"^\s*(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?\s*([ap])\.?m\.?\s*$", re.I)


def parse_clock(text: str) -> time | None:
    """`09:30`, `9:30`, `9.30`, `9h30`, `16h`, `9am` or `4:30 pm` as a time of day; None
    when it is not one."""
    if match := _CLOCK.match(text):
        return time(int(match.group(1)), int(match.group(2) or 0))
    if match := _TWELVE_HOUR.match(text):
        hour = int(match.group(1)) % 12 + (12 if match.group(3).lower() == "p" else 0)
        return time(hour, int(match.group(2) or 0))
    return None


def clock_text(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def zone(name: str | None) -> ZoneInfo | None:
    """The zone called `name` (any letter case), or None when there is no such zone."""
    canonical = canonical_zone(name or "")
    return ZoneInfo(canonical) if canonical else None


def canonical_zone(name: str) -> str | None:
    """`europe/paris` -> `Europe/Paris`, and a city alone when only one zone has it
    (`Berlin`, `new york`); None for names that are not zones."""
    key = name.strip().lower()
    return _zones_by_lower().get(key) or _zones_by_city().get(key.replace(" ", "_"))


@cache
def _zones_by_city() -> dict[str, str]:
    """`berlin` -> `Europe/Berlin`, for the cities exactly one zone is named after."""
    found: dict[str, list[str]] = {}
    for name in available_timezones():
        if "/" in name and not name.startswith("Etc/"):
            found.setdefault(name.rsplit("/", 1)[1].lower(), []).append(name)
    return {city: names[0] for city, names in found.items() if len(names) == 1}


@cache
def _zones_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def suggest_zones(name: str, limit: int = 3) -> list[str]:
    """The zones whose names look most like `name`, best first (for “did you mean”)."""
    query = name.strip().replace(" ", "_")
    found = process.extract(query, _zone_names(), scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
    return [match[0] for match in found]


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The zone called `name` when it is one, else UTC (for data that may predate validation)."""
    return zone(name) or ZoneInfo("UTC")
