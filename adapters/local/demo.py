"""A demo team in the local workspace, made through the same commands and forms a person uses,
so a newcomer sees every feature with data in it."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping

from adapters.local.console import WORKSPACE, ConsoleMessenger, to_core_mentions
from adapters.local.render import render
from adapters.local.terminal import PLATFORM, Terminal
from bot.app import AlignBot
from bot.events import Actor, Command, Conversation, FormValue, Submission
from bot.replies import Form, Outcome, Reply
from bot.settings import Settings
from storage.repositories import people

PEOPLE = {
    "ana": ("Product Owner", "Europe/Berlin"),
    "ben": ("UX Designer", "Europe/Lisbon"),
    "cleo": ("UX Researcher", "America/New_York"),
    "dev": ("Tech Lead", "Asia/Kolkata"),
    "eli": ("Data Analyst", "Europe/Berlin"),
    "fay": ("Stakeholder", "Europe/London"),
}
ROLE_COMMANDS = tuple(f"/role assign @{name} {role}" for name, (role, _) in PEOPLE.items())
ADMIN = "ana"
ADMINS = frozenset({ADMIN})  # the demo's workspace admins; everyone else tries permissions
STANDUP: dict[str, FormValue] = {
    "name": "Checkout",
    "members": list(PEOPLE)[:5],
    "timezone": "Europe/Berlin",
}
VOTE: dict[str, FormValue] = {
    "question": "Which epic do we take next quarter?",
    "items": "Magic-link sign-in\nGuest checkout\nSaved carts\nDark mode",
    "method": "ranked",
    "deadline_text": "in 7d",
}
INSIGHT: dict[str, FormValue] = {
    "title": "Half of new users abandon sign-up at the email step",
    "finding": "Seven of twelve participants stopped when asked to confirm their email.",
    "evidence": "Session recordings 3, 7 and 9; “I don't want another email to click.”",
    "study": "Onboarding interviews, November",
    "method": "interview",
    "participants": "12",
    "confidence": "high",
    "tags": "onboarding, checkout",
    "items": "Magic-link sign-in",
}
LINES = (
    *ROLE_COMMANDS,
    "/insight subscribe here onboarding checkout",
    "/digest schedule fri 16:00 Europe/Berlin",
)


def _fill(form: Form, answers: Mapping[str, FormValue]) -> dict[str, FormValue]:
    """What a person submits: their answers, and every other field left as the form had it."""
    values: dict[str, FormValue] = {}
    for spec in form.inputs:
        initial = list(spec.initial) if isinstance(spec.initial, tuple) else spec.initial
        values[spec.name] = answers.get(spec.name, initial)
    return values


async def load_demo(settings: Settings) -> None:
    bot = await AlignBot.start(settings)
    bot.messenger.connect(PLATFORM, ConsoleMessenger(Terminal(io.StringIO(), str)))
    try:
        await populate(bot, print)
    finally:
        await bot.close()
    print("\nDemo team loaded. Try: make run, then `who owns the roadmap?`, `/vote list`,")
    print("`/insight search onboarding`, `/standup` or `/digest preview`.")


async def is_loaded(bot: AlignBot) -> bool:
    async with bot.ctx.db.transaction() as session:
        return await people.find(session, WORKSPACE, ADMIN) is not None


async def populate(bot: AlignBot, log: Callable[[str], None]) -> None:
    """The demo team, through the bot's own commands and forms; posts go to its messenger."""
    where = Conversation(PLATFORM, WORKSPACE, "general")
    team = {name: actor(name) for name in PEOPLE}
    for person in team.values():  # so everyone's time zone is known to stand-ups
        await bot.handle(Command("help", "", person, where))
    for line in LINES:
        await _say(bot, team[ADMIN], where, line, log)
    await _with_form(bot, team[ADMIN], where, "/standup setup Checkout", STANDUP, log)
    await _with_form(bot, team[ADMIN], where, "/vote new", VOTE, log)
    await _with_form(bot, team["cleo"], where, "/insight new", INSIGHT, log)


def actor(name: str) -> Actor:
    """A person of the local workspace; the demo's people keep their time zones."""
    zone = PEOPLE[name][1] if name in PEOPLE else None
    return Actor(PLATFORM, WORKSPACE, name, name, zone, is_admin=name in ADMINS)


async def _say(
    bot: AlignBot, who: Actor, where: Conversation, line: str, log: Callable[[str], None]
) -> Outcome:
    name, _, rest = line[1:].partition(" ")
    outcome = await bot.handle(Command(name, to_core_mentions(rest), who, where))
    shown = render(outcome) if isinstance(outcome, Reply) else type(outcome).__name__
    log(f"{line}\n  {shown.splitlines()[0] if shown else ''}")
    return outcome


async def _with_form(
    bot: AlignBot,
    who: Actor,
    where: Conversation,
    line: str,
    answers: Mapping[str, FormValue],
    log: Callable[[str], None],
) -> None:
    form = await _say(bot, who, where, line, log)
    if not isinstance(form, Form):
        raise RuntimeError(f"{line} did not open a form")
    submitted = Submission(form.form_id, _fill(form, answers), who, where, form.metadata)
    outcome = await bot.handle(submitted)
    shown = render(outcome) if isinstance(outcome, Reply) else type(outcome).__name__
    log(f"  (submitted {form.title})\n  {shown.splitlines()[0] if shown else ''}")
