"""When a digest goes out: parsing `fri 16:00 Europe/Berlin`, the cron trigger, the period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.errors import UserError
from bot.timezones import canonical_zone, clock_text, parse_clock, suggest_zones

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAYS = (
    {name.lower(): i for i, name in enumerate(DAY_NAMES)}
    | {name[:3].lower(): i for i, name in enumerate(DAY_NAMES)}
    | {"tues": 1, "thurs": 3}
)
DEFAULT_WEEKDAY = 4  # Friday
DEFAULT_TIME = time(16, 0)


@dataclass(frozen=True)
class When:
    weekday: int  # 0 = Monday
    at: time
    timezone: str

    def describe(self) -> str:
        return f"{DAY_NAMES[self.weekday]}s at {clock_text(self.at)} ({self.timezone})"


def parse_when(text: str, default_zone: str) -> When:
    """Any of weekday, HH:MM and zone, in any order; what is left out takes the default."""
    weekday, at, zone = DEFAULT_WEEKDAY, DEFAULT_TIME, default_zone
    given: dict[str, str] = {}
    for word in text.split():
        if (day := _day(word)) is not None:
            _once(given, "day", word)
            weekday = day
        elif (clock := parse_clock(word)) is not None:
            _once(given, "time", word)
            at = clock
        elif "/" in word or word.upper() == "UTC" or canonical_zone(word):
            _once(given, "time zone", word)
            zone = _zone(word)
        else:
            raise UserError(
                f"I couldn't read `{word[:30]}`. Write a weekday, a time and a time zone, e.g. "
                "`/digest schedule fri 16:00 Europe/Berlin`."
            )
    return When(weekday, at, zone)


def _once(given: dict[str, str], part: str, word: str) -> None:
    """A digest goes out once a week: two days (or times, or zones) would silently drop one."""
    if part in given:
        raise UserError(
            f"A digest goes out once a week, at one {part}: you gave `{given[part][:30]}` and "
            f"`{word[:30]}`. Keep one, e.g. `/digest schedule fri 16:00 Europe/Berlin`."
        )
    given[part] = word


def _day(word: str) -> int | None:
    """`fri`, `Friday`, `fridays` -> 4."""
    lowered = word.lower()
    return _DAYS.get(lowered, _DAYS.get(lowered.removesuffix("s")))


def _zone(word: str) -> str:
    canonical = canonical_zone(word)
    if canonical:
        return canonical
    guesses = suggest_zones(word)
    hint = f" Did you mean {', '.join(f'`{g}`' for g in guesses)}?" if guesses else ""
    raise UserError(f"`{word[:40]}` is not a time zone I know.{hint}")


def trigger(when: When) -> CronTrigger:
    return CronTrigger(
        day_of_week=CRON_DAYS[when.weekday],
        hour=when.at.hour,
        minute=when.at.minute,
        timezone=ZoneInfo(when.timezone),
    )


def period_of(fire_time: datetime, zone: str) -> str:
    """The ISO week a fire time belongs to in the team's zone: one digest per period."""
    year, week, _ = fire_time.astimezone(ZoneInfo(zone)).isocalendar()
    return f"{year}-W{week:02d}"
