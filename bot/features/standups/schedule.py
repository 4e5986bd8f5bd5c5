"""Pure time arithmetic for stand-ups: wall-clock times in a zone, working days, periods.

Everything takes the instant it reasons about as an argument (no clock inside), and converts
with `zoneinfo`, so daylight-saving changes and half-hour offsets come out right. A wall-clock
time that does not exist on a spring-forward day (02:30 in Berlin) falls one hour later, as
clocks show it; an ambiguous autumn time means its first occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # ISO weekday - 1
WORKING_WEEK = frozenset({1, 2, 3, 4, 5})
_LAST = re.compile(r"^(\d{1,3})d$")
MAX_PERIOD_DAYS = 366


def at_local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant at which clocks in `tz` show `at` on `day`."""
    # fold=0: a skipped spring-forward time is read with the old offset, landing where the
    # clocks jump to (02:30 -> 03:30 local); an ambiguous autumn time is its first occurrence.
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def local_day(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def days_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def due_days(at: time, tz: ZoneInfo, since: datetime, until: datetime) -> list[date]:
    """Local days whose `at` falls in (since, until]: what became due in that window."""
    first = local_day(since, tz) - timedelta(days=1)
    last = local_day(until, tz)
    return [day for day in days_between(first, last) if since < at_local(day, at, tz) <= until]


def is_workday(day: date, weekdays: Collection[int], holidays: Collection[date] = ()) -> bool:
    return day.isoweekday() in weekdays and day not in holidays


def previous_standup_days(
    day: date, weekdays: Collection[int], holidays: Collection[date], count: int
) -> list[date]:
    """The `count` stand-up days before `day`, most recent first."""
    found: list[date] = []
    if not weekdays:
        return found
    cursor = day
    while len(found) < count:
        cursor -= timedelta(days=1)
        if is_workday(cursor, weekdays, holidays):
            found.append(cursor)
    return found


def next_standup_day(
    day: date, weekdays: Collection[int], holidays: Collection[date]
) -> date | None:
    """The first stand-up day on or after `day` within a year, if any."""
    for offset in range(MAX_PERIOD_DAYS):
        candidate = day + timedelta(days=offset)
        if is_workday(candidate, weekdays, holidays):
            return candidate
    return None


def weekdays_text(weekdays: Collection[int]) -> str:
    if set(weekdays) == set(WORKING_WEEK):
        return "Mon–Fri"
    return ", ".join(WEEKDAY_NAMES[d - 1] for d in sorted(weekdays))


def parse_weekdays(values: Collection[str]) -> frozenset[int]:
    """Weekday names (`mon`, `Tuesday`) or ISO numbers as a set of ISO weekday numbers."""
    days: set[int] = set()
    for value in values:
        key = value.strip().lower()[:3]
        names = [name.lower() for name in WEEKDAY_NAMES]
        if key in names:
            days.add(names.index(key) + 1)
        elif key.isdigit() and 1 <= int(key) <= 7:
            days.add(int(key))
        else:
            raise ValueError(f"“{value}” is not a day of the week.")
    return frozenset(days)


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_period(text: str, today: date) -> tuple[date, date]:
    """`7d`, `30d` (the last N days, today included) or `2026-11-01..2026-11-20`."""
    spec = text.strip().lower()
    last_n = _LAST.match(spec)
    if last_n:
        days = int(last_n.group(1))
        if not 1 <= days <= MAX_PERIOD_DAYS:
            raise ValueError(f"Pick between 1d and {MAX_PERIOD_DAYS}d.")
        return today - timedelta(days=days - 1), today
    first_text, dots, last_text = spec.partition("..")
    first, last = parse_date(first_text), parse_date(last_text)
    if not dots or first is None or last is None:
        raise ValueError(f"“{text}” is not a period: use 7d, 30d or 2026-11-01..2026-11-20.")
    if last < first:
        raise ValueError("The period ends before it starts.")
    if (last - first).days >= MAX_PERIOD_DAYS:
        raise ValueError(f"Periods can span up to {MAX_PERIOD_DAYS} days.")
    return first, last
