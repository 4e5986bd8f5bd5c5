"""Keeping each person's home page (Slack's App Home) current, through the outbox.

Whatever changes what waits for someone (a vote cast, an insight answered or sent to them, a
stand-up answered) marks their page stale in the same transaction: one `delivery` row of the
`home` topic, unless one is already waiting. The rows are not claimed, so the outbox's resume
tick publishes them a few seconds later on any replica: changes made meanwhile are published
as one page (the debounce), rendered from storage when it is sent, and a crash loses nothing.
The page itself is built by the home feature (`bot.features.home`, see `provide`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import deliveries
from bot.context import Context
from bot.events import Action, Actor, Event, Submission
from bot.pipeline import Middleware, Proceed
from bot.replies import FormErrors, Outcome, Reply
from storage.models.deliveries import Delivery
from storage.repositories import deliveries as repo

PageBuilder = Callable[[Context, Actor], Awaitable[Reply]]
_builders: list[PageBuilder] = []


def provide(builder: PageBuilder) -> None:
    """The home feature hands over how a page is built (the core knows no feature)."""
    _builders[:] = [builder]


async def page_for(ctx: Context, person: Actor) -> Reply | None:
    """`person`'s page as it reads now; None when no feature builds pages."""
    return await _builders[0](ctx, person) if _builders else None


async def _render(ctx: Context, row: Delivery) -> Reply | None:
    """A stale page is rendered when it is published, so it shows every change made since."""
    return await page_for(ctx, Actor(row.platform, row.workspace_id, row.target_id))


TOPIC = deliveries.register(deliveries.Topic("home", _render))


async def mark_stale(
    session: AsyncSession, ctx: Context, platform: str, workspace_id: str, users: Iterable[str]
) -> None:
    """Queues a fresh page for each person, on platforms that have home pages."""
    if not _builders or not ctx.messenger.has_home(platform):
        return
    for user_id in dict.fromkeys(users):
        if await repo.waiting_for(session, TOPIC.name, platform, workspace_id, user_id):
            continue
        recipient = deliveries.Recipient(platform, deliveries.HOME, user_id)
        subject = f"{workspace_id}:{user_id}"
        await deliveries.queue(session, ctx, TOPIC, subject, workspace_id, [recipient], claim=False)


def refresh_after_use(ctx: Context) -> Middleware:
    """Middleware: a button pressed or a form submitted (a ballot, an answer, an
    acknowledgement) may change what waits for the person who did it."""

    async def refreshing(event: Event, proceed: Proceed) -> Outcome:
        outcome = await proceed(event)
        if isinstance(event, Action | Submission) and not isinstance(outcome, FormErrors):
            actor = event.actor
            if ctx.messenger.has_home(actor.platform):
                async with ctx.db.transaction() as session:
                    await mark_stale(
                        session, ctx, actor.platform, actor.workspace_id, [actor.user_id]
                    )
        return outcome

    return refreshing
