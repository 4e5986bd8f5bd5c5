"""Deadlines as people type them, read in their own time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import UserError
from bot.features.votes.deadline import from_fields, parse
from bot.timezones import zone_or_utc

MONDAY_9_UTC = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
BERLIN = zone_or_utc("Europe/Berlin")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("in 2d", "2026-11-25T09:00"),
        ("in 3h", "2026-11-23T12:00"),
        ("in 90 minutes", "2026-11-23T10:30"),
        ("in 1 day and 4 hours", "2026-11-24T13:00"),
        ("in 1w", "2026-11-30T09:00"),
        ("fri 17:00", "2026-11-27T16:00"),
        ("Friday at 5pm", "2026-11-27T16:00"),
        ("fri", "2026-11-27T16:00"),  # 17:00 local by default
        ("mon 9:00", "2026-11-30T08:00"),  # today's 9:00 has passed: next Monday
        ("next mon", "2026-11-30T16:00"),
        ("tomorrow 9", "2026-11-24T08:00"),
        ("today 18:30", "2026-11-23T17:30"),
        ("9:00", "2026-11-24T08:00"),  # a bare time already past today means tomorrow
        ("2026-12-01 09:30", "2026-12-01T08:30"),
        ("2027-07-01 09:30", "2027-07-01T07:30"),  # summer time: UTC+2
    ],
)
def test_readable_deadlines(words: str, expected: str) -> None:
    moment = parse(words, MONDAY_9_UTC, BERLIN)
    assert moment.tzinfo is UTC
    assert moment.strftime("%Y-%m-%dT%H:%M") == expected


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("whenever", "can't read"),
        ("in 2 months", "can't read"),
        ("25:00", "can't read"),
        ("2026-02-30", "can't read"),
        ("today 9:00", "in the past"),
        ("2026-11-01", "in the past"),
        ("in 0m", "in the past"),
    ],
)
def test_unreadable_or_past_deadlines_are_refused(words: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse(words, MONDAY_9_UTC, BERLIN)


def test_date_and_time_fields_default_to_five_pm_local() -> None:
    assert from_fields("2026-11-24", "", MONDAY_9_UTC, BERLIN).hour == 16


def test_unknown_zones_fall_back_to_utc() -> None:
    assert zone_or_utc("Mars/Olympus").key == "UTC"
    assert zone_or_utc(None).key == "UTC"
    assert parse("tomorrow 9:00", MONDAY_9_UTC, zone_or_utc(None)).hour == 9
