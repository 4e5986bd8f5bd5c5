"""Wall-clock times in zones: DST switches, half-hour offsets, windows, periods."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.features.standups.schedule import (
    at_local,
    due_days,
    next_standup_day,
    parse_period,
    parse_weekdays,
    previous_standup_days,
)
from bot.timezones import canonical_zone, parse_clock, suggest_zones, zone

BERLIN = zone("Europe/Berlin")
NEW_YORK = zone("America/New_York")
KOLKATA = zone("Asia/Kolkata")
NINE_THIRTY = time(9, 30)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz_name", "day", "expected"),
    [
        # Berlin springs forward on Sunday 29 March 2026: 09:30 moves from 08:30 to 07:30 UTC.
        ("Europe/Berlin", date(2026, 3, 27), utc(2026, 3, 27, 8, 30)),
        ("Europe/Berlin", date(2026, 3, 30), utc(2026, 3, 30, 7, 30)),
        # ... and falls back on Sunday 25 October 2026.
        ("Europe/Berlin", date(2026, 10, 23), utc(2026, 10, 23, 7, 30)),
        ("Europe/Berlin", date(2026, 10, 26), utc(2026, 10, 26, 8, 30)),
        # New York springs forward on 8 March and falls back on 1 November 2026.
        ("America/New_York", date(2026, 3, 6), utc(2026, 3, 6, 14, 30)),
        ("America/New_York", date(2026, 3, 9), utc(2026, 3, 9, 13, 30)),
        ("America/New_York", date(2026, 10, 30), utc(2026, 10, 30, 13, 30)),
        ("America/New_York", date(2026, 11, 2), utc(2026, 11, 2, 14, 30)),
        # Kolkata is UTC+05:30 all year.
        ("Asia/Kolkata", date(2026, 3, 9), utc(2026, 3, 9, 4, 0)),
        ("Asia/Kolkata", date(2026, 11, 2), utc(2026, 11, 2, 4, 0)),
    ],
)
def test_0930_local_is_the_right_instant_across_dst(
    tz_name: str, day: date, expected: datetime
) -> None:
    tz = zone(tz_name)
    assert tz is not None
    assert at_local(day, NINE_THIRTY, tz) == expected


def test_between_the_us_and_eu_switches_new_york_is_only_four_hours_behind_berlin() -> None:
    assert BERLIN is not None
    assert NEW_YORK is not None
    gap_before = at_local(date(2026, 3, 6), NINE_THIRTY, NEW_YORK) - at_local(
        date(2026, 3, 6), NINE_THIRTY, BERLIN
    )
    gap_between = at_local(date(2026, 3, 16), NINE_THIRTY, NEW_YORK) - at_local(
        date(2026, 3, 16), NINE_THIRTY, BERLIN
    )
    assert gap_before == timedelta(hours=6)
    assert gap_between == timedelta(hours=5)


def test_a_time_skipped_by_spring_forward_happens_when_clocks_jump() -> None:
    assert BERLIN is not None
    instant = at_local(date(2026, 3, 29), time(2, 30), BERLIN)
    assert instant == utc(2026, 3, 29, 1, 30)
    assert instant.astimezone(BERLIN).strftime("%H:%M") == "03:30"


def test_an_ambiguous_autumn_time_means_its_first_occurrence() -> None:
    assert BERLIN is not None
    assert at_local(date(2026, 10, 25), time(2, 30), BERLIN) == utc(2026, 10, 25, 0, 30)


@given(
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    hour=st.integers(4, 23),
    minute=st.integers(0, 59),
    tz_name=st.sampled_from(
        ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]
    ),
)
def test_the_instant_shows_the_wanted_wall_clock(
    day: date, hour: int, minute: int, tz_name: str
) -> None:
    tz = zone(tz_name)
    assert tz is not None
    local = at_local(day, time(hour, minute), tz).astimezone(tz)
    assert (local.date(), local.hour, local.minute) == (day, hour, minute)


def test_due_days_are_those_whose_time_falls_in_the_window() -> None:
    assert KOLKATA is not None
    assert NEW_YORK is not None
    at_four = utc(2026, 11, 23, 4, 0)
    assert due_days(NINE_THIRTY, KOLKATA, at_four - timedelta(minutes=1), at_four) == [
        date(2026, 11, 23)
    ]
    assert due_days(NINE_THIRTY, KOLKATA, at_four, at_four + timedelta(minutes=5)) == []
    # A window across UTC midnight still finds New York's day correctly.
    assert due_days(time(20, 0), NEW_YORK, utc(2026, 11, 24, 0, 30), utc(2026, 11, 24, 1, 30)) == [
        date(2026, 11, 23)
    ]


def test_stand_up_days_skip_weekends_and_holidays() -> None:
    week = frozenset({1, 2, 3, 4, 5})
    monday = date(2026, 11, 23)
    holidays = {date(2026, 11, 20)}
    assert previous_standup_days(monday, week, holidays, 3) == [
        date(2026, 11, 19),
        date(2026, 11, 18),
        date(2026, 11, 17),
    ]
    assert next_standup_day(date(2026, 11, 28), week, set()) == date(2026, 11, 30)
    assert next_standup_day(monday, frozenset(), set()) is None


def test_clock_times_periods_and_weekdays_parse_or_refuse() -> None:
    assert parse_clock("9:30") == time(9, 30)
    assert parse_clock("09.05") == time(9, 5)
    assert parse_clock("24:00") is None
    assert parse_clock("9:7") is None
    assert parse_clock("soon") is None
    today = date(2026, 11, 25)
    assert parse_period("7d", today) == (date(2026, 11, 19), today)
    assert parse_period("2026-11-01..2026-11-20", today) == (date(2026, 11, 1), date(2026, 11, 20))
    for bad in ("0d", "2026-11-20..2026-11-01", "last week", "2026-13-01..2026-13-02"):
        with pytest.raises(ValueError, match=r"Pick between|ends before|not a period"):
            parse_period(bad, today)
    assert parse_weekdays(["Monday", "tue", "7"]) == {1, 2, 7}
    with pytest.raises(ValueError, match="not a day"):
        parse_weekdays(["Funday"])


def test_zone_names_are_forgiving_about_case_and_suggest_close_ones() -> None:
    assert canonical_zone("europe/paris") == "Europe/Paris"
    assert zone("Mars/Olympus") is None
    assert zone("../../etc/passwd") is None
    assert "Europe/Paris" in suggest_zones("Europe/Pari")
    assert "America/New_York" in suggest_zones("New York")
