"""Uses a workspace as people would, from the features' own examples only: runs every example,
fills and submits every form it meets, lets the scheduled ticks run, and presses every button
and picks from every menu of every message it has seen (the DMs the ticks sent included),
over and over until nothing new turns up. What it saw is checked by the conformance tests, so
a form that opens only from a button is checked too, without being listed anywhere."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from adapters.slack.translate import SHORTCUTS
from bot.app import AlignBot
from bot.events import Action, Actor, Conversation, MessageRef, Submission
from bot.feature import Feature
from bot.quoted import QuotedMessage
from bot.replies import (
    Actions,
    Button,
    ButtonStyle,
    Form,
    FormErrors,
    Input,
    InputKind,
    Outcome,
    Reply,
)
from tests.conftest import WORKSPACE, ask, channel, person
from tests.support.recording import RecordingMessenger

ADMIN = person("U1", "Ada", admin=True)
TEAM = ("U1", "U2", "U3")
NUMBER = re.compile(r"(?<=\s)\d+(?=\s|$)")  # a word that is a number: an id in an example
PERSON = re.compile(r"(?<![\w<])@(?!alignbot\b)([a-z][\w.-]*)", re.IGNORECASE)
CHANNEL = re.compile(r"(^|\s)#([a-z][\w-]*)", re.IGNORECASE)
DAYS = 4  # days of pressing everything, then running the ticks (prompts, deadlines)


@dataclass(frozen=True)
class Seen:
    """A reply where someone can act on it: who sees it, where, and the message if posted."""

    reply: Reply
    actor: Actor
    conversation: Conversation
    ref: MessageRef | None = None


@dataclass
class Exploration:
    bot: AlignBot
    messenger: RecordingMessenger
    replies: list[Seen] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    pressed: set[tuple[str, str, str]] = field(default_factory=set)  # action, value, user
    unmarked: list[tuple[str, str]] = field(default_factory=list)  # form id, the button's action
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))  # for texts
    _posts_read: int = 0

    async def run(self, features: list[Feature], examples: list[str]) -> None:
        """The examples, the shortcuts on a message, then days of pressing everything with the
        ticks run between them; last the examples again, each number naming the first thing
        of its kind (`/insight edit 12` → `/insight edit 1`, which exists by then)."""
        for line in examples:
            await self._take(await ask(self.bot, line, ADMIN), ADMIN, channel())
        for action_id in SHORTCUTS.values():
            quoted = QuotedMessage("Search\nBilling\nExport").encode()
            outcome = await self.bot.handle(Action(action_id, quoted, ADMIN, channel()))
            await self._take(outcome, ADMIN, channel())
        for _ in range(DAYS):
            while await self._press_everything():
                pass
            await self._tick(features)
        for line in examples:
            await self._take(await ask(self.bot, NUMBER.sub("1", line), ADMIN), ADMIN, channel())
        while await self._press_everything():
            pass

    async def _take(self, outcome: Outcome, actor: Actor, where: Conversation) -> None:
        """Keeps what a person was shown; submits a form as they would fill it in."""
        self._read_posts()
        if isinstance(outcome, Reply):
            self.replies.append(Seen(outcome, actor, where))
        elif isinstance(outcome, Form):
            self.forms.append(outcome)
            await self._submit(outcome, actor, where)
        self._read_posts()

    async def _submit(self, form: Form, actor: Actor, where: Conversation) -> None:
        """Submits the form plainly, then otherwise; an answer the form refuses is replaced by
        its plain one, then by something of its kind, and the form sent again."""
        today = self.bot.ctx.clock.now().date()
        plain = answers(form, today, self.numbers, otherwise=False)
        inputs = {i.name: i for i in form.inputs}
        for values in (plain, answers(form, today, self.numbers, otherwise=True)):
            for _ in range(2 * len(values) + 1):
                event = Submission(form.form_id, values, actor, where, metadata=form.metadata)
                submitted = await self.bot.handle(event)
                if not isinstance(submitted, FormErrors):
                    await self._take(submitted, actor, where)
                    break
                changed = dict(values)
                for name in submitted.errors.keys() & inputs.keys():
                    if values[name] != plain[name]:
                        changed[name] = plain[name]
                    elif inputs[name].kind not in _MENUS:
                        changed[name] = something(inputs[name], self.numbers)
                if changed == values:
                    break
                values = changed

    def _read_posts(self) -> None:
        for posted in self.messenger.posts[self._posts_read :]:
            if posted.user_id is not None:
                actor = person(posted.user_id, posted.user_id)
                where = Conversation(posted.ref.platform, WORKSPACE, posted.ref.channel_id)
            else:
                assert posted.conversation is not None
                actor, where = ADMIN, posted.conversation
            self.replies.append(Seen(posted.reply, actor, where, posted.ref))
        self._posts_read = len(self.messenger.posts)

    async def _tick(self, features: list[Feature]) -> None:
        """A day passes, with every feature's periodic jobs run along it."""
        for _ in range(24 * 4):
            self.bot.ctx.clock.advance(minutes=15)  # type: ignore[attr-defined]
            for feature in features:
                for tick in feature.ticks:
                    await tick.run(self.bot.ctx)
        self._read_posts()

    async def _press_everything(self) -> bool:
        """Presses every button and picks the first option of every menu not used yet, by
        each person it was shown to; True when anything was pressed. Buttons that open a form
        go first, as pressing the others (ratify, delete) may leave nothing to open a form on."""
        waiting = [
            (control, actor, seen)
            for seen in list(self.replies)
            for control in controls(seen.reply)
            for actor in _who_may_press(seen)
        ]
        waiting.sort(key=lambda pending: pending[0].order)
        anything = False
        for control, actor, seen in waiting:
            key = (control.action_id, control.value, actor.user_id)
            if key in self.pressed:
                continue
            self.pressed.add(key)
            anything = True
            event = Action(
                control.action_id, control.value, actor, seen.conversation, message=seen.ref
            )
            outcome = await self.bot.handle(event)
            if isinstance(outcome, Form) and control.order != 0:
                self.unmarked.append((outcome.form_id, control.action_id))
            await self._take(outcome, actor, seen.conversation)
        return anything


def _who_may_press(seen: Seen) -> list[Actor]:
    """A DM's reader; in a channel, the admin and two teammates (a ballot per voter)."""
    if seen.conversation.channel_id.startswith("D-"):
        return [seen.actor]
    return [ADMIN, *(person(user_id, user_id) for user_id in TEAM[1:])]


@dataclass(frozen=True)
class Control:
    action_id: str
    value: str
    order: int  # 0 opens a form, 1 other buttons and menus, 2 danger (delete, forget)


def controls(reply: Reply) -> list[Control]:
    """Every button, and each menu's first option."""
    found: list[Control] = []
    for block in reply.blocks:
        if not isinstance(block, Actions):
            continue
        for element in block.elements:
            if isinstance(element, Button):
                order = 0 if element.opens_form else 2 if element.style is ButtonStyle.DANGER else 1
                found.append(Control(element.action_id, element.value, order))
            elif element.options:
                found.append(Control(element.action_id, element.options[0].value, 1))
    return found


def answers(
    form: Form, today: date, numbers: Iterator[int], *, otherwise: bool
) -> dict[str, str | list[str]]:
    """A plausible answer to every input. Plainly: what the form pre-filled, required inputs
    answered (menus each on another option, as a ranking needs) and the rest left empty.
    `otherwise`: every menu on its first option that is not the pre-filled one (so voters may
    add options, a decision is named, a vote is anonymous) and dates set to tomorrow."""
    values: dict[str, str | list[str]] = {}
    menus = 0
    for i in form.inputs:
        options = [o.value for o in i.options]
        initial = list(i.initial) if isinstance(i.initial, tuple) else i.initial
        if otherwise and i.kind is InputKind.SELECT and len(options) > 1:
            values[i.name] = next(o for o in options if o != initial)
        elif otherwise and i.kind is InputKind.MULTI_SELECT and options:
            values[i.name] = options
        elif otherwise and i.kind in (InputKind.DATE, InputKind.TIME):
            values[i.name] = str(today + timedelta(days=1)) if i.kind is InputKind.DATE else "09:30"
        elif initial not in (None, "", []) or not i.required:
            values[i.name] = initial or ([] if i.kind in _LISTS else "")
        elif i.kind is InputKind.SELECT:
            values[i.name] = options[menus % len(options)] if options else ""
            menus += 1
        else:
            values[i.name] = something(i, numbers)
    return values


def something(i: Input, numbers: Iterator[int]) -> str | list[str]:
    """An answer of a (non-menu) input's kind; a text is never one given before (an option
    added twice is refused)."""
    return _SOMETHING.get(i.kind) or f"{i.label} {next(numbers)}"


_LISTS = (InputKind.MULTI_SELECT, InputKind.USERS)
_MENUS = (InputKind.SELECT, InputKind.MULTI_SELECT)
_SOMETHING: dict[InputKind, str | list[str]] = {
    InputKind.MULTILINE: "Search\nBilling\nExport",
    InputKind.NUMBER: "1",
    InputKind.DATE: "2026-12-01",
    InputKind.TIME: "09:30",
    InputKind.USERS: list(TEAM),
    InputKind.CHANNEL: "C1",
}


def as_delivered(typed: str) -> str:
    """`@ana` and `#design` as Slack delivers them (the other adapters rewrite theirs the same
    way): mention tokens, which is what the router and the features read."""
    typed = PERSON.sub(lambda m: f"<@U{m.group(1).upper()}|{m.group(1)}>", typed)
    return CHANNEL.sub(lambda m: f"{m.group(1)}<#C{m.group(2).upper()}|{m.group(2)}>", typed)
