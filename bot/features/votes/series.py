"""Recurring votes: each round opens at its time and closes at its deadline, exactly once.

Round k opens k-1 weeks (or months) after round 1, at the same wall-clock time in the
creator's zone. The tick opens the latest round that is due under a claim (`run_once`), and
the unique (series, round) pair makes a second opening impossible even past a claim. Each
round gets a deadline when it opens (as long as round 1 stayed open, or until the next round
opens), so the existing deadline tick closes it exactly once.
"""

from __future__ import annotations

import calendar
import logging
from datetime import datetime, timedelta

from bot.claims import run_once
from bot.context import Context
from bot.errors import PermissionDenied, UserError
from bot.events import Actor, Conversation
from bot.features.votes import ballots, forms, importers, polls
from bot.features.votes.forms import Draft
from bot.features.votes.settings import VoteSettings
from bot.features.votes.tally import Method
from bot.replies import Outcome, reply, text
from bot.timezones import zone_or_utc
from storage.repositories import votes
from storage.repositories.votes import Series

log = logging.getLogger(__name__)
MAX_CATCH_UP_ROUNDS = 1000  # about 20 years of weekly rounds


def opens_at(series: Series, number: int) -> datetime:
    """When round `number` opens: same local time, `number - 1` weeks or months later."""
    zone = zone_or_utc(series.timezone)
    start = series.starts_at.astimezone(zone).replace(tzinfo=None)
    if series.cadence == "weekly":
        local = start + timedelta(weeks=number - 1)
    else:
        months = start.month - 1 + number - 1
        year, month = start.year + months // 12, months % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        local = start.replace(year=year, month=month, day=day)
    return local.replace(tzinfo=zone).astimezone(series.starts_at.tzinfo)


def due_round(series: Series, now: datetime) -> int | None:
    """The latest round that should be open now (from round 2 on), if any."""
    number = None
    for candidate in range(2, MAX_CATCH_UP_ROUNDS):
        if opens_at(series, candidate) > now:
            break
        number = candidate
    return number


def deadline_of(series: Series, number: int) -> datetime:
    following = opens_at(series, number + 1)
    if series.open_seconds is None:
        return following
    return min(opens_at(series, number) + timedelta(seconds=series.open_seconds), following)


async def open_due(ctx: Context) -> None:
    """The tick: opens each series' due round once; a round whose time passed unopened
    (every replica down all week) is skipped, not opened late."""
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        running = await votes.running_series(session)
    for series in running:
        number = due_round(series, now)
        if number is None or deadline_of(series, number) <= now:
            continue
        async with ctx.db.transaction() as session:
            if await votes.round_of(session, series.id, number) is not None:
                continue

        async def work(series: Series = series, number: int = number) -> None:
            await open_round(ctx, series, number)

        await run_once(ctx, f"vote.round:{series.id}:{number}", work)


async def open_round(ctx: Context, series: Series, number: int) -> None:
    async with ctx.db.transaction() as session:
        if await votes.round_of(session, series.id, number) is not None:
            return
    creator = Actor(series.platform, series.workspace_id, series.creator_id)
    where = Conversation(series.platform, series.workspace_id, series.channel_id, series.thread_id)
    draft = Draft(
        question=series.question,
        items=tuple(await _items(ctx, series)),
        method=Method(series.method),
        deadline=deadline_of(series, number),
        anonymous=series.anonymous,
        hide_results=series.hide_results,
        voters=series.allowed_voters,
        max_choices=series.max_choices,
        dots=series.dots,
        timezone=series.timezone,
        decision_key=series.decision_key,
        decision_name=series.decision_name,
        allow_additions=series.allow_additions,
    )
    poll = await polls.open_poll(ctx, creator, where, draft, round_of=(series.id, number))
    log.info("opened round %d of recurring vote series %s as vote %s", number, series.id, poll.id)


async def _items(ctx: Context, series: Series) -> list[str]:
    """The round's items: imported afresh when the series has a source (what is still open
    carries over), else the first round's. A failed import keeps the last items."""
    kept = list(series.items)
    if not series.source:
        return kept
    source, _, argument = series.source.partition(" ")
    try:
        settings = ctx.feature_settings.of(VoteSettings)
        fresh = await importers.from_source(settings, source, argument)
    except UserError as error:
        log.warning("recurring vote %s: import failed (%s); same items", series.id, error)
        return kept
    cleaned = list(
        dict.fromkeys(ballots.short(" ".join(i.split()), forms.MAX_ITEM_CHARS) for i in fresh)
    )
    limit = forms.MAX_RICE_ITEMS if series.method == Method.RICE else forms.MAX_ITEMS
    if len(cleaned) < forms.MIN_ITEMS:
        return kept
    return cleaned[:limit]


async def stop(actor: Actor, ctx: Context, poll_id: int) -> Outcome:
    """`/vote stop 7`: no more rounds of the series vote 7 belongs to (open rounds run on)."""
    async with ctx.db.transaction() as session:
        poll = await polls.load(session, actor.workspace_id, poll_id)
        if poll.series_id is None:
            raise UserError(f"Vote {poll_id} does not repeat; there is nothing to stop.")
        series = await votes.series_by_id(session, poll.series_id)
        assert series is not None
        if not (actor.is_admin or actor.user_id == series.creator_id):
            raise PermissionDenied("Only the vote's creator or a workspace admin can stop it.")
        stopped = await votes.stop_series(session, poll.series_id, ctx.clock.now())
    if not stopped:
        return reply(text(f"Vote {poll_id} already stopped repeating."))
    return reply(
        text(f"Vote {poll_id} will not repeat any more; its open round still closes as planned.")
    )
