"""What a new team typed in its first week and the bot could not read."""

from __future__ import annotations

from datetime import time

import pytest

from adapters.local.render import render
from bot.app import AlignBot
from bot.replies import Reply
from bot.timezones import canonical_zone, parse_clock
from tests.conftest import ask, person


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("9am", time(9, 0)),
        ("9 am", time(9, 0)),
        ("4:30 pm", time(16, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("16h", time(16, 0)),
        ("09:30", time(9, 30)),
    ],
)
def test_times_as_people_write_them(typed: str, meant: time) -> None:
    assert parse_clock(typed) == meant


@pytest.mark.parametrize("typed", ["13pm", "0am", "9", "25:00", "9:75am"])
def test_what_is_not_a_time_stays_refused(typed: str) -> None:
    assert parse_clock(typed) is None


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("Europe/Paris", "Europe/Paris"),
    ],
)
def test_a_city_names_its_zone_when_only_one_zone_has_it(typed: str, zone: str) -> None:
    assert canonical_zone(typed) == zone


async def test_digest_schedule_reads_9am_and_a_city(alignbot: AlignBot) -> None:
    outcome = await ask(alignbot, "/digest schedule fri 9am Berlin", person(admin=True))
    assert isinstance(outcome, Reply)
    assert "Fridays at 09:00 (Europe/Berlin)" in render(outcome)
