"""A demo team in the local workspace, made through the same commands a person would type."""

from __future__ import annotations

from adapters.local.console import PLATFORM, WORKSPACE, to_core_mentions
from adapters.local.render import render
from bot.app import AlignBot
from bot.events import Actor, Command, Conversation
from bot.replies import Reply
from bot.settings import Settings

DEMO_COMMANDS = (
    "/raci template",
    "/role assign @ana Product Owner",
    "/role assign @ben UX Designer",
    "/role assign @cleo UX Researcher",
    "/role assign @dev Tech Lead",
    "/role assign @eli Data Analyst",
    "/role assign @fay Stakeholder",
)


async def load_demo(settings: Settings) -> None:
    bot = await AlignBot.start(settings)
    admin = Actor(PLATFORM, WORKSPACE, "demo-admin", "Demo admin", None, is_admin=True)
    where = Conversation(PLATFORM, WORKSPACE, "general")
    try:
        for line in DEMO_COMMANDS:
            name, _, rest = line[1:].partition(" ")
            outcome = await bot.handle(Command(name, to_core_mentions(rest), admin, where))
            print(f"{line}\n  {render(outcome) if isinstance(outcome, Reply) else outcome}")
    finally:
        await bot.close()
    print("\nDemo team loaded. Try: make run, then `/who owns backlog priority`.")
