"""What waits for one person: insights sent to them that they have not answered yet."""

from __future__ import annotations

from bot.context import Context
from bot.events import Actor
from bot.features.insights.views import answer_buttons
from bot.replies import Block, Bold, small_print, text
from storage.repositories import insights as repo

SHOWN = 10


async def waiting_for(ctx: Context, person: Actor) -> tuple[Block, ...]:
    """Each live insight delivered to this person directly and not yet answered, with the
    same Seen / Will act / Disagree buttons its message carries."""
    async with ctx.db.transaction() as session:
        found = await repo.unanswered_for(
            session, person.workspace_id, person.platform, person.user_id, SHOWN
        )
    blocks: list[Block] = []
    for insight in found:
        assert insight.id is not None
        blocks.append(text(Bold(f"Insight {insight.id}: "), insight.title))
        blocks.append(small_print(f"from {insight.author_name or insight.author_id}"))
        blocks.append(answer_buttons(insight.id))
    return tuple(blocks)
