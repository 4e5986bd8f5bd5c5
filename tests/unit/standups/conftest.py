"""Helpers for stand-up tests: people in several zones, set-up and answering as users do."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from adapters.local.render import render
from bot.app import AlignBot
from bot.events import Action, Actor, Command, Submission
from bot.features.standups import jobs
from bot.replies import Form, FormErrors, Outcome, Reply
from tests.conftest import WORKSPACE, channel
from tests.support.recording import FakeClock, Posted, RecordingMessenger


def member(user_id: str, name: str, tz: str | None, *, admin: bool = False) -> Actor:
    return Actor("local", WORKSPACE, user_id, name, tz, is_admin=admin)


ADA = member("U1", "Ada", "Europe/Berlin")
BO = member("U2", "Bo", "Europe/Berlin")
CHEN = member("U3", "Chen", "Asia/Kolkata")
DEE = member("U4", "Dee", "America/New_York")
ELI = member("U5", "Eli", None)
FIVE = (ADA, BO, CHEN, DEE, ELI)


def setup_values(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "name": "Design",
        "channel": "C1",
        "members": ["U1"],
        "questions": "What did you do yesterday?\nWhat will you do today?\nAny blockers?",
        "days": ["1", "2", "3", "4", "5"],
        "prompt_time": "09:30",
        "reminder": "60",
        "summary_time": "16:00",
        "timezone": "Europe/Berlin",
        "style": "threaded",
    }
    values.update(overrides)
    return values


async def submit_setup(
    bot: AlignBot, who: Actor = ADA, metadata: str = "", **overrides: object
) -> Outcome:
    values = setup_values(**overrides)
    return await bot.handle(
        Submission("standup.setup", values, who, channel("C1"), metadata=metadata)  # type: ignore[arg-type]
    )


async def run(bot: AlignBot, who: Actor, text: str = "", where: str = "C1") -> Outcome:
    return await bot.handle(Command("standup", text, who, channel(where)))


def shown(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


async def open_form(bot: AlignBot, who: Actor, text: str = "") -> Form:
    form = await run(bot, who, text)
    assert isinstance(form, Form), shown(form)
    return form


async def answer(
    bot: AlignBot, who: Actor, answers: Sequence[str], *, form: Form | None = None, text: str = ""
) -> Outcome:
    form = form or await open_form(bot, who, text)
    values = {f"q{i}": value for i, value in enumerate(answers)}
    return await bot.handle(
        Submission(form.form_id, values, who, channel("C1"), metadata=form.metadata)
    )


async def press(bot: AlignBot, who: Actor, button_action: str, value: str) -> Outcome:
    return await bot.handle(Action(button_action, value, who, channel(f"D-{who.user_id}")))


def errors(outcome: Outcome) -> Mapping[str, str]:
    assert isinstance(outcome, FormErrors), outcome
    return outcome.errors


@dataclass
class Timeline:
    """Runs the tick as the scheduler would, recording when each post went out."""

    bot: AlignBot
    clock: FakeClock
    messenger: RecordingMessenger
    sent_at: list[tuple[datetime, Posted]] = field(default_factory=list)

    async def tick(self) -> list[Posted]:
        before = len(self.messenger.posts)
        await jobs.tick(self.bot.ctx)
        new = self.messenger.posts[before:]
        self.sent_at += [(self.clock.now(), post) for post in new]
        return new

    async def run_until(self, until: datetime, step_minutes: int = 5) -> None:
        while self.clock.now() < until:
            self.clock.advance(minutes=step_minutes)
            await self.tick()

    def dms(self, user_id: str) -> list[tuple[datetime, str]]:
        return [(at, render(p.reply)) for at, p in self.sent_at if p.user_id == user_id]

    def channel_posts(self) -> list[Posted]:
        return [p for _, p in self.sent_at if p.conversation is not None]


@pytest.fixture
def timeline(alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger) -> Timeline:
    return Timeline(alignbot, clock, messenger)
