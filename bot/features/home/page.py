"""The page: sections in a fixed order, each from the feature that owns it; empty sections say
so in one line, so the page never looks broken."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.context import Context
from bot.events import Actor
from bot.features import insights, roles, standups, votes
from bot.replies import Block, Code, Divider, Heading, Reply, reply, small_print, text

Section = Callable[[Context, Actor], Awaitable[tuple[Block, ...]]]

SECTIONS: tuple[tuple[str, Section, str], ...] = (
    ("Today's stand-up", standups.waiting_for, "Nothing to answer today."),
    ("Votes waiting for you", votes.waiting_for, "No open vote is waiting for your ballot."),
    (
        "Insights to answer",
        insights.waiting_for,
        "No insight sent to you is waiting for an answer.",
    ),
    (
        "Blockers on your decisions",
        standups.blocked_decisions_for,
        "No stand-up blocker waits on a decision you are Accountable for.",
    ),
    ("Your roles", roles.held_by, "You hold no role yet (/role list shows your team's)."),
)


async def page(ctx: Context, person: Actor) -> Reply:
    """What waits for `person`, read now."""
    blocks: list[Block] = [
        Heading("Waiting for you"),
        small_print(
            "Updated as things change. Type ", Code("/alignbot help"), " for every command."
        ),
    ]
    for title, section, empty in SECTIONS:
        found = await section(ctx, person)
        blocks += [Divider(), Heading(title), *(found or (text(empty),))]
    return reply(*blocks)
