"""One person's roles, and the decisions each makes them Accountable for (their home page)."""

from __future__ import annotations

from bot.context import Context
from bot.events import Actor
from bot.replies import Block, Bold, small_print, text
from storage.repositories import roles as repo


async def held_by(ctx: Context, person: Actor) -> tuple[Block, ...]:
    async with ctx.db.transaction() as session:
        held = await repo.held_by(session, person.workspace_id, person.user_id)
    blocks: list[Block] = []
    for role in held:
        blocks.append(text(Bold(role.role), f" in {role.team}"))
        if role.accountable_for:
            blocks.append(small_print("Accountable for: ", ", ".join(role.accountable_for)))
    return tuple(blocks)
