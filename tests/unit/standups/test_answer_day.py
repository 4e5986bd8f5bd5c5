"""The server decides which day a stand-up answer is for; a form's metadata cannot choose it."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from bot.app import AlignBot
from bot.events import Submission
from bot.features.standups import jobs
from storage.models.standups import StandupAnswer
from tests.conftest import channel
from tests.support.recording import FakeClock
from tests.unit.standups.conftest import ADA, open_form, shown, submit_setup

ANSWERS = {"q0": "Wireframes", "q1": "Tests", "q2": "None"}


async def _days(bot: AlignBot) -> list[str]:
    async with bot.ctx.db.transaction() as session:
        rows = (await session.exec(select(StandupAnswer))).all()
    return sorted(row.day.isoformat() for row in rows)


async def _submit_for(bot: AlignBot, day: str) -> str:
    form = await open_form(bot, ADA)
    team_id, _, fingerprint = form.metadata.split("|")
    edited = f"{team_id}|{day}|{fingerprint}"
    outcome = await bot.handle(
        Submission(form.form_id, ANSWERS, ADA, channel("C1"), metadata=edited)
    )
    return shown(outcome)


async def test_an_answer_for_a_day_of_the_clients_choosing_is_refused(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # Wednesday
    await submit_setup(alignbot)
    for day in ("2020-01-01", "2026-11-20", "2026-12-01", "2026-11-26"):
        assert "can no longer be answered" in await _submit_for(alignbot, day)
    assert await _days(alignbot) == []
    assert "saved" in await _submit_for(alignbot, "2026-11-25")
    assert "saved" in await _submit_for(alignbot, "2026-11-24")  # a form left open overnight
    assert await _days(alignbot) == ["2026-11-24", "2026-11-25"]


async def test_a_prompts_own_day_stays_answerable_for_a_week(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday
    await submit_setup(alignbot)
    clock.current = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # the 09:30 Berlin prompt
    await jobs.tick(alignbot.ctx)
    clock.current = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Friday
    assert "saved" in await _submit_for(alignbot, "2026-11-23")  # prompted that day
    assert "can no longer be answered" in await _submit_for(alignbot, "2026-11-24")  # not prompted
    assert await _days(alignbot) == ["2026-11-23"]
