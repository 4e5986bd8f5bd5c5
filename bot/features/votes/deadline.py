"""Deadlines as people write them ("in 2d", "fri 17:00", "2026-12-01 09:30"), in their zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.errors import UserError

DEFAULT_TIME = time(17, 0)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "hr": "hours", "d": "days", "w": "weeks"}
_RELATIVE_PART = re.compile(r"(\d+)\s*(minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w)\b")
_CLOCK = re.compile(r"^(?:at\s+)?(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ t]+(.+))?$")
LONGEST = timedelta(days=366)
EXAMPLES = "`in 2d`, `in 3h`, `tomorrow 9:00`, `fri 17:00` or `2026-12-01 17:00`"


def parse(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """The deadline `text` names, as aware UTC; refuses unreadable text and the past."""
    words = " ".join(text.lower().replace(",", " ").split())
    try:
        moment = _relative(words, now) or _absolute(words, now.astimezone(tz), tz)
    except OverflowError:  # "in 99999999999 days" is past any calendar
        moment = now + 2 * LONGEST
    if moment is not None and moment - now > LONGEST:
        raise UserError(
            f"That deadline is more than {LONGEST.days} days away; a vote can run for up to "
            f"{LONGEST.days} days. Pick an earlier one, or leave it empty to close by hand."
        )
    if moment is None:
        raise UserError(f"I can't read the deadline “{text[:60]}”. Try {EXAMPLES}.")
    if moment <= now:
        raise UserError("That deadline is in the past; pick a time that is still to come.")
    return moment.astimezone(UTC)


def from_fields(day: str, clock: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A date picker and an optional time picker, read in the person's zone."""
    return parse(f"{day} {clock or DEFAULT_TIME.strftime('%H:%M')}", now, tz)


def _relative(words: str, now: datetime) -> datetime | None:
    if not words.startswith("in "):
        return None
    rest = words[3:].replace(" and ", " ")
    parts = _RELATIVE_PART.findall(rest)
    if not parts or _RELATIVE_PART.sub("", rest).strip():
        return None
    delta = timedelta()
    for amount, unit in parts:
        key = unit if unit in UNITS else unit.rstrip("s")
        delta += timedelta(**{UNITS.get(key, key + "s"): int(amount)})
    return now + delta


def _absolute(words: str, local_now: datetime, tz: ZoneInfo) -> datetime | None:
    day, clock_text, roll = _day(words, local_now.date())
    clock = _clock(clock_text) if clock_text else DEFAULT_TIME
    if day is None or clock is None:
        return None
    moment = datetime.combine(day, clock, tzinfo=tz)
    if moment <= local_now and roll:
        moment = datetime.combine(day + timedelta(days=roll), clock, tzinfo=tz)
    return moment


def _day(words: str, today: date) -> tuple[date | None, str, int]:
    """The day named, the clock text after it, and how far to roll it when already past."""
    iso = _ISO_DATE.match(words)
    if iso:
        try:
            return date.fromisoformat(iso.group(1)), (iso.group(2) or "").strip(), 0
        except ValueError:
            return None, "", 0
    head, _, tail = words.partition(" ")
    upcoming = head == "next"
    if upcoming:
        head, _, tail = tail.partition(" ")
    if head in ("today", "tonight"):
        return today, tail, 0
    if head == "tomorrow":
        return today + timedelta(days=1), tail, 0
    if _is_weekday(head):
        ahead = (WEEKDAYS.index(head[:3]) - today.weekday()) % 7
        return today + timedelta(days=ahead or (7 if upcoming else 0)), tail, 7
    if _clock(words):
        return today, words, 1
    return None, "", 0


def _is_weekday(word: str) -> bool:
    full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return len(word) >= 3 and any(name.startswith(word) for name in full)


def _clock(text: str) -> time | None:
    match = _CLOCK.match(text.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
