"""Options voters add to open polls: appended to the poll's items under the poll's row lock,
recorded once per case-folded label, so replays and concurrent additions never duplicate."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models.votes import AddedOption, Poll
from storage.repositories.votes import items_column, items_of
from storage.upsert import insert_for


def key_of(label: str) -> str:
    """What makes two labels the same item: case and inner spacing do not count."""
    return " ".join(label.split()).casefold()


async def locked(session: AsyncSession, workspace_id: str, poll_id: int) -> Poll | None:
    """The poll, locked for update (PostgreSQL; SQLite writers take turns), so two additions
    read and extend its items one after the other."""
    statement = (
        select(Poll).where(Poll.workspace_id == workspace_id, Poll.id == poll_id).with_for_update()
    )
    return (await session.exec(statement)).first()


async def append(session: AsyncSession, poll: Poll, label: str, added_by: str) -> int | None:
    """Adds `label` as the poll's last item; its index, or None when an item with the same key
    is already there (listed from the start, or added before: a replay)."""
    assert poll.id is not None
    items = list(items_of(poll))
    key = key_of(label)
    if any(key_of(item) == key for item in items):
        return None
    row = insert_for(session, AddedOption).values(
        poll_id=poll.id, key=key, label=label, position=len(items), added_by=added_by
    )
    inserted = await session.exec(row.on_conflict_do_nothing(index_elements=["poll_id", "key"]))
    if not inserted.rowcount:
        return None
    items.append(label)
    poll.items = items_column(items)
    await session.exec(update(Poll).where(col(Poll.id) == poll.id).values(items=poll.items))
    return len(items) - 1


async def added(session: AsyncSession, poll_id: int) -> list[AddedOption]:
    """The options voters added, in the order they were added."""
    statement = (
        select(AddedOption)
        .where(AddedOption.poll_id == poll_id)
        .order_by(col(AddedOption.position))
    )
    return list((await session.exec(statement)).all())


async def added_by_person(
    session: AsyncSession, workspace_id: str, user_id: str
) -> list[tuple[Poll, AddedOption]]:
    """Options this person added (never on anonymous polls, which keep no adder)."""
    statement = (
        select(Poll, AddedOption)
        .join(AddedOption, col(AddedOption.poll_id) == col(Poll.id))
        .where(Poll.workspace_id == workspace_id, AddedOption.added_by == user_id)
        .order_by(col(Poll.id), col(AddedOption.position))
    )
    return [(poll, option) for poll, option in (await session.exec(statement)).all()]


async def forget_adder(session: AsyncSession, workspace_id: str, user_id: str) -> int:
    """The options stay on their votes (ballots point at them); the adder's id goes."""
    polls = select(Poll.id).where(Poll.workspace_id == workspace_id)
    result = await session.exec(
        update(AddedOption)
        .where(col(AddedOption.poll_id).in_(polls), col(AddedOption.added_by) == user_id)
        .values(added_by="")
    )
    return int(result.rowcount)
