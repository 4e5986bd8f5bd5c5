"""What waits for one person: open votes they may vote in and have not (their home page)."""

from __future__ import annotations

from bot.context import Context
from bot.events import Actor
from bot.features.votes import polls, views
from bot.replies import Block, Bold, Button, ButtonStyle, buttons, small_print, text
from storage.models.votes import Poll
from storage.repositories import votes

CONSIDERED = 20  # newest open votes looked at; each channel-wide one costs a membership check


async def waiting_for(ctx: Context, person: Actor) -> tuple[Block, ...]:
    """Votes naming this person, and channel-wide votes in channels the platform says they
    are in (asked after the transaction, as every read of a vote is scoped)."""
    async with ctx.db.transaction() as session:
        candidates = await votes.open_not_voted(
            session, person.workspace_id, person.platform, person.user_id, CONSIDERED
        )
    blocks: list[Block] = []
    for poll in candidates:
        if not await _may_vote(ctx, poll, person):
            continue
        assert poll.id is not None
        due = f" · closes {views.when(poll, poll.deadline)}" if poll.deadline else ""
        blocks.append(text(Bold(f"Vote {poll.id}"), ": ", poll.question))
        blocks.append(small_print(f"{len(votes.items_of(poll))} items{due}"))
        blocks.append(
            buttons(
                Button(
                    "Vote",
                    views.OPEN_BALLOT_ACTION,
                    str(poll.id),
                    ButtonStyle.PRIMARY,
                    opens_form=True,
                )
            )
        )
    return tuple(blocks)


async def _may_vote(ctx: Context, poll: Poll, person: Actor) -> bool:
    named = votes.voters_of(poll)
    if named:
        return person.user_id in named
    return await ctx.messenger.is_member(polls.conversation_of(poll), person.user_id)
