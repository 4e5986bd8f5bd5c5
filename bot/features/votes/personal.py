"""What the votes feature holds about one person, for `/alignbot my data` and `forget`."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features.votes.ballots import describe, method_of
from storage.repositories import vote_options
from storage.repositories.personal import votes as stored
from storage.repositories.votes import items_of

Records = dict[str, list[dict[str, object]]]


async def personal_data(session: AsyncSession, workspace_id: str, user_id: str) -> Records:
    """Votes they opened and ballots with their name on; anonymous ballots hold no name, so
    they cannot be found (or shown) for anyone."""
    ballots = await stored.named_ballots(session, workspace_id, user_id)
    return {
        "votes opened": [
            {"vote": poll.id, "question": poll.question, "opened": poll.created_at.isoformat()}
            for poll in await stored.created(session, workspace_id, user_id)
        ],
        "ballots on votes that are not anonymous": [
            {
                "vote": poll.id,
                "question": poll.question,
                "ballot": describe(method_of(poll), items_of(poll), ballot.choice),
            }
            for poll, ballot in ballots
        ],
        "options added to votes": [
            {"vote": poll.id, "question": poll.question, "option": option.label}
            for poll, option in await vote_options.added_by_person(session, workspace_id, user_id)
        ],
    }


async def forget_person(session: AsyncSession, workspace_id: str, user_id: str) -> int:
    erased = await stored.erase(session, workspace_id, user_id)
    return erased + await vote_options.forget_adder(session, workspace_id, user_id)
