"""Shared steps for the insight tests: sharing through the real form, pressing buttons."""

from __future__ import annotations

from dataclasses import dataclass

from adapters.local.render import controls, render
from bot.app import AlignBot
from bot.events import Action, Actor, Conversation, MessageRef, Submission
from bot.replies import Button, Form, FormErrors, Outcome, Reply
from tests.conftest import ask, channel, person
from tests.support.recording import Posted, RecordingMessenger

AUTHOR = person("UA", "Rita Researcher")


def form_values(**overrides: str | list[str]) -> dict[str, str | list[str] | None]:
    values: dict[str, str | list[str] | None] = {
        "title": "Half of new users abandon sign-up at the email step",
        "finding": "Seven of twelve participants stopped when asked to confirm their email.",
        "evidence": "https://example.test/clip-3\n“I don't want another email”",
        "study": "Onboarding interviews, Nov 2026",
        "method": "interview",
        "participants": "12",
        "confidence": "high",
        "tags": "onboarding, checkout",
        "items": "Magic-link sign-in\nSkip email confirmation",
        "visibility": "public",
        "channels": "",
        "people": [],
    }
    values.update(overrides)
    return values


async def open_form(bot: AlignBot, line: str, who: Actor = AUTHOR, where: str = "C1") -> Form:
    form = await ask(bot, line, who, where)
    assert isinstance(form, Form), form
    return form


async def submit(
    bot: AlignBot,
    form: Form,
    values: dict[str, str | list[str] | None],
    who: Actor = AUTHOR,
    where: str = "C1",
) -> Outcome:
    return await bot.handle(Submission(form.form_id, values, who, channel(where), form.metadata))


async def share(
    bot: AlignBot, who: Actor = AUTHOR, where: str = "C1", **overrides: str | list[str]
) -> Reply:
    """Opens `/insight new`, submits it, and returns the author's confirmation."""
    form = await open_form(bot, "/insight new", who, where)
    outcome = await submit(bot, form, form_values(**overrides), who, where)
    assert isinstance(outcome, Reply), outcome
    return outcome


async def share_refused(bot: AlignBot, **overrides: str | list[str]) -> dict[str, str]:
    form = await open_form(bot, "/insight new")
    outcome = await submit(bot, form, form_values(**overrides))
    assert isinstance(outcome, FormErrors), outcome
    return outcome.errors


async def press(bot: AlignBot, post: Posted, label: str, who: Actor) -> Outcome:
    """Presses a button on a posted copy, from the conversation the copy is in."""
    button = next(b for b in buttons_of(post.reply) if b.label == label)
    where = Conversation("local", who.workspace_id, post.ref.channel_id)
    return await bot.handle(Action(button.action_id, button.value, who, where, post.ref))


def buttons_of(reply: Reply) -> list[Button]:
    return [c for c in controls(reply) if isinstance(c, Button)]


def text_of(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


@dataclass
class Copies:
    """The recording messenger's posts, by place."""

    messenger: RecordingMessenger

    def places(self) -> list[str]:
        return sorted(place_of(p) for p in self.messenger.posts)

    def latest(self, ref: MessageRef) -> Reply:
        """What a posted message shows now: its last update, else the original post."""
        for updated_ref, reply in reversed(self.messenger.updates):
            if updated_ref == ref:
                return reply
        return next(p.reply for p in self.messenger.posts if p.ref == ref)

    def post_in(self, place: str) -> Posted:
        return next(p for p in self.messenger.posts if place_of(p) == place)


def place_of(post: Posted) -> str:
    return f"@{post.user_id}" if post.user_id else f"#{post.ref.channel_id}"
