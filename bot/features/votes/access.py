"""Who may read a vote: its channel's members, its voters, its creator and admins.

Anyone else gets exactly the answer for a vote that does not exist, so the sequential ids
reveal nothing about votes in channels the asker is not in.
"""

from __future__ import annotations

from bot.context import Context
from bot.events import Actor, Conversation
from bot.features.votes import polls
from storage.models.votes import Poll
from storage.repositories import votes


async def visible_poll(ctx: Context, actor: Actor, asked_in: Conversation, poll_id: int) -> Poll:
    """The poll, if this person may see it. Asking from the vote's own channel is proof of
    membership; elsewhere the platform is asked, after the transaction has ended."""
    async with ctx.db.transaction() as session:
        poll = await polls.load(session, actor.workspace_id, poll_id)
        if _insider(poll, actor, asked_in) or await votes.has_voted(
            session, poll_id, actor.user_id
        ):
            return poll
    if await ctx.messenger.is_member(polls.conversation_of(poll), actor.user_id):
        return poll
    raise polls.missing(poll_id)


def _insider(poll: Poll, actor: Actor, asked_in: Conversation) -> bool:
    if actor.is_admin or actor.user_id == poll.creator_id:
        return True
    if asked_in.platform == poll.platform and asked_in.channel_id == poll.channel_id:
        return True
    return actor.user_id in votes.voters_of(poll)
