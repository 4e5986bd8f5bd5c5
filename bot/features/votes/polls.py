"""Poll life cycle: open, cast, refresh the live message, close (by hand or at the deadline).

Anonymous ballots: the ballot row holds a random id, the choice, the voter's role names and an
owner key = HMAC(server key, poll id + per-poll salt + user id). The voted-flag row
holds only (poll, person). Nothing on either row (no timestamp, no sequential id) links them,
and the salt is erased when the poll closes, after which no one can recompute the link. The
server key (bot/server_key.py) lives outside the database, so a database copy alone cannot
re-link even an open vote; without a lasting key, anonymous votes are refused. Running
results of an open anonymous vote are never shown (see
`results_visible`), and role groups under three voters are merged or withheld.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import deliveries
from bot.context import Context
from bot.errors import PermissionDenied, UserError
from bot.events import Actor, Conversation, MessageRef
from bot.features.votes import evidence, views
from bot.features.votes.ballot_box import BallotBox
from bot.features.votes.ballots import describe, method_of, short
from bot.features.votes.forms import Draft
from bot.features.votes.tally import Method, Payload, Result, tally
from bot.features.votes.views import RoleSplit
from bot.mentions import readable
from bot.replies import Italic, Reply, reply, small_print, text
from bot.scheduler import run_once
from bot.server_key import ServerKey, server_key
from storage.models.deliveries import Delivery
from storage.models.votes import Poll, VoteSeries
from storage.repositories import insights, product_teams, roles, vote_options, votes
from storage.repositories.votes import StoredBallot, items_of

log = logging.getLogger(__name__)

NO_ROLE = "No role"
OTHER_ROLES = "Other roles"
MIN_ANONYMOUS_GROUP = 3


def parse_id(raw: str) -> int:
    """`7` or `#7`, however the platform spelled the `#` (Slack may send `<#C0…|7>`)."""
    typed = readable(raw).strip()
    value = typed.lstrip("#")
    if not value.isdigit():
        raise UserError(f"Vote ids are numbers, like `/vote results 7`; “{typed[:20]}” isn't one.")
    if len(value) > 9:  # beyond any id we hand out (and beyond a 32-bit column)
        raise UserError(
            f"There's no vote {value[:20]} here. `/vote list` shows this channel's votes."
        )
    return int(value)


def missing(poll_id: int) -> UserError:
    """The one answer for a vote that does not exist or that the asker may not see."""
    return UserError(f"There's no vote {poll_id} here. `/vote list` shows this channel's votes.")


async def load(session: AsyncSession, workspace_id: str, poll_id: int) -> Poll:
    poll = await votes.get(session, workspace_id, poll_id)
    if poll is None:
        raise missing(poll_id)
    return poll


def conversation_of(poll: Poll) -> Conversation:
    return Conversation(poll.platform, poll.workspace_id, poll.channel_id, poll.thread_id)


def message_of(poll: Poll) -> MessageRef | None:
    if poll.message_id is None:
        return None
    return MessageRef(poll.platform, poll.workspace_id, poll.channel_id, poll.message_id)


def may_manage(poll: Poll, actor: Actor) -> bool:
    return actor.is_admin or actor.user_id == poll.creator_id


def results_visible(poll: Poll, now: datetime) -> bool:
    """Open anonymous votes never show running results: watching the bars move right after a
    colleague votes would reveal their choice."""
    return not (poll.hide_results or poll.anonymous) or not views.is_open(poll, now)


def owner_key(poll: Poll, user_id: str, key: ServerKey | None = None) -> str:
    """Who owns a ballot: the person on open polls; an unlinkable keyed hash on anonymous ones."""
    if not poll.anonymous:
        return f"u:{user_id}"
    if key is None or not key.persistent:
        raise UserError(ANONYMOUS_NEEDS_A_KEY)
    message = f"{poll.id}:{poll.ballot_salt}:{user_id}".encode()
    return "k:" + hmac.new(key.secret, message, hashlib.sha256).hexdigest()


ANONYMOUS_NEEDS_A_KEY = (
    "Anonymous votes are off on this server: it has no lasting server key. An admin can set "
    "ALIGNBOT_SECRET_KEY (the same on every replica) or ALIGNBOT_SECRET_FILE."
)


# Opening -----------------------------------------------------------------------------------


async def open_poll(
    ctx: Context,
    actor: Actor,
    where: Conversation,
    draft: Draft,
    *,
    round_of: tuple[int, int] | None = None,
) -> Poll:
    """Stores the poll, then posts its live message; a poll whose message could not be posted
    is removed again. The post waits until the transaction ends: a slow platform must never
    hold the write lock that voters need. A draft that repeats starts a series (round 1);
    `round_of` (series id, round) opens a later round of one."""
    now = ctx.clock.now()
    if draft.anonymous and not server_key(ctx.settings).persistent:
        raise UserError(ANONYMOUS_NEEDS_A_KEY)
    async with ctx.db.transaction() as session:
        team = await product_teams.team_for(session, where, now)
        assert team.id is not None
        poll = _new_poll(actor, where, draft, team.id, now)
        if round_of is None and draft.repeat:
            round_of = (await votes.add_series(session, new_series(poll, draft)), 1)
        if round_of is not None:
            poll.series_id, poll.round = round_of
        poll = await votes.create(session, poll)
        assert poll.id is not None
        shown = _empty(poll) if results_visible(poll, now) else None
        support = await research_support(session, poll)
    try:
        ref = await ctx.messenger.post(where, views.poll_message(poll, shown, 0, now, support))
    except BaseException:
        async with ctx.db.transaction() as session:
            await votes.remove(session, poll.id)
        raise
    poll.message_id = ref.message_id
    async with ctx.db.transaction() as session:
        await votes.set_message(session, poll.id, ref.message_id)
    return poll


def new_series(poll: Poll, draft: Draft) -> VoteSeries:
    """What every round of a repeating vote copies from its first."""
    open_for = draft.deadline - poll.created_at if draft.deadline else None
    return VoteSeries(
        workspace_id=poll.workspace_id,
        team_id=poll.team_id,
        platform=poll.platform,
        channel_id=poll.channel_id,
        thread_id=poll.thread_id,
        creator_id=poll.creator_id,
        question=poll.question,
        method=poll.method,
        items=votes.items_column(draft.items),
        source=draft.source,
        anonymous=poll.anonymous,
        hide_results=poll.hide_results,
        allowed_voters=votes.voters_column(draft.voters),
        max_choices=poll.max_choices,
        dots=poll.dots,
        allow_additions=poll.allow_additions,
        decision_key=poll.decision_key,
        decision_name=poll.decision_name,
        cadence=draft.repeat,
        open_seconds=int(open_for.total_seconds()) if open_for else None,
        timezone=poll.timezone,
        starts_at=poll.created_at,
        created_at=poll.created_at,
    )


def _new_poll(actor: Actor, where: Conversation, draft: Draft, team_id: int, now: datetime) -> Poll:
    return Poll(
        workspace_id=where.workspace_id,
        team_id=team_id,
        platform=where.platform,
        channel_id=where.channel_id,
        thread_id=where.thread_id,
        creator_id=actor.user_id,
        question=draft.question,
        method=draft.method.value,
        items=votes.items_column(draft.items),
        anonymous=draft.anonymous,
        hide_results=draft.hide_results,
        allowed_voters=votes.voters_column(draft.voters),
        max_choices=draft.max_choices,
        dots=draft.dots,
        ballot_salt=secrets.token_hex(16) if draft.anonymous else "",
        deadline=draft.deadline,
        timezone=draft.timezone,
        created_at=now,
        decision_key=draft.decision_key,
        decision_name=draft.decision_name,
        allow_additions=draft.allow_additions,
    )


def _empty(poll: Poll) -> Result:
    return tally(method_of(poll), len(items_of(poll)), [])


# Voting ------------------------------------------------------------------------------------


def refuse_unless_open(poll: Poll, now: datetime) -> None:
    if poll.closed_at is not None:
        raise UserError(f"Vote {poll.id} is closed, so ballots can't change any more.")
    if poll.deadline is not None and now >= poll.deadline:
        raise UserError(
            f"Sorry, voting on vote {poll.id} ended at {views.when(poll, poll.deadline)}; "
            "the result is on its way."
        )


def refuse_unless_allowed(poll: Poll, actor: Actor) -> None:
    allowed = votes.voters_of(poll)
    if allowed and actor.user_id not in allowed:
        raise PermissionDenied(
            f"Vote {poll.id} is open to named people only, and you're not on its list. "
            "Ask its creator if you should be."
        )


async def current_ballot(ctx: Context, actor: Actor, poll_id: int) -> tuple[Poll, Payload | None]:
    """The poll, checked open to this voter, and their ballot so far (to pre-fill the form)."""
    async with ctx.db.transaction() as session:
        poll = await load(session, actor.workspace_id, poll_id)
        refuse_unless_open(poll, ctx.clock.now())
        refuse_unless_allowed(poll, actor)
        assert poll.id is not None
        ballot = await votes.ballot_of(
            session, poll.id, owner_key(poll, actor.user_id, server_key(ctx.settings))
        )
    return poll, padded(poll, ballot.choice) if ballot else None


def padded(poll: Poll, payload: Payload) -> Payload:
    """A dot ballot counts dots per item; one cast before voters added items has no count
    for them yet: zero."""
    if method_of(poll) is not Method.DOT:
        return payload
    return [*payload, *[0] * (len(items_of(poll)) - len(payload))]


async def _keyed_before_rotation(session: AsyncSession, poll: Poll, user_id: str, key: str) -> bool:
    """This person voted, yet no ballot carries their key: it was keyed with an older server
    key. A new ballot would count them twice."""
    assert poll.id is not None
    voted = await votes.has_voted(session, poll.id, user_id)
    return voted and await votes.ballot_of(session, poll.id, key) is None


async def research_support(session: AsyncSession, poll: Poll) -> dict[str, int]:
    """How many of the team's public insights back each item (for "3 insights" notes)."""
    return await insights.insight_counts_for_items(session, poll.team_id, list(items_of(poll)))


async def cast(ctx: Context, actor: Actor, poll_id: int, payload: Payload) -> Reply:
    """Stores the ballot (replacing an earlier one, together with any cast at the same moment:
    see `ballot_box`), then refreshes the live message."""
    poll, first = await _ballot_box.cast(ctx, actor, poll_id, payload)
    await refresh(ctx, poll.workspace_id, poll_id)
    verb = "is in" if first else "was updated"
    until = f" until {views.when(poll, poll.deadline)}" if poll.deadline else " until it closes"
    mine = short(describe(method_of(poll), items_of(poll), payload), 500)
    return reply(
        text(f"Your ballot for vote {poll_id} {verb}: ", Italic(mine)),
        small_print(f"You can change it{until}."),
    )


async def _prepared(
    session: AsyncSession, ctx: Context, poll: Poll, actor: Actor, payload: Payload
) -> votes.NewBallot:
    """One voter's ballot checked against the share-locked vote, as it will be stored."""
    refuse_unless_open(poll, ctx.clock.now())
    refuse_unless_allowed(poll, actor)
    role_names = await _anonymous_role(session, poll, actor.user_id) if poll.anonymous else ()
    key = owner_key(poll, actor.user_id, server_key(ctx.settings))
    if poll.anonymous and await _keyed_before_rotation(session, poll, actor.user_id, key):
        raise UserError(
            f"Your anonymous ballot for vote {poll.id} was cast before this server's key "
            "changed: it still counts, but it can no longer be changed."
        )
    return votes.NewBallot(
        user_id=actor.user_id,
        owner_key=key,
        voter_id=None if poll.anonymous else actor.user_id,
        roles=role_names,
        choice=payload,
    )


_ballot_box = BallotBox(_prepared)


async def _anonymous_role(session: AsyncSession, poll: Poll, user_id: str) -> tuple[str, ...]:
    """The one role name an anonymous ballot may carry without pointing at its voter.

    Only roles held by at least three people in the team qualify (a rarer role would name
    the voter), and only one of them (a combination of roles can be unique to one person).
    """
    held = await roles.roles_by_person(session, poll.team_id)
    holders = Counter(name for names in held.values() for name in names)
    mine = held.get(user_id, [])
    safe = sorted(name for name in mine if holders[name] >= MIN_ANONYMOUS_GROUP)
    if safe:
        return (safe[0],)
    return (OTHER_ROLES,) if mine else ()


# Results -----------------------------------------------------------------------------------


async def counted(session: AsyncSession, poll: Poll) -> tuple[Result, list[StoredBallot], int]:
    """The tally, the ballots behind it and the turnout."""
    assert poll.id is not None
    stored = await votes.ballots(session, poll.id)
    result = tally(method_of(poll), len(items_of(poll)), [b.choice for b in stored])
    return result, stored, await votes.turnout(session, poll.id)


async def summarize(session: AsyncSession, poll: Poll) -> tuple[Result, RoleSplit, int]:
    """The tally, the split by role and the turnout."""
    result, stored, turnout = await counted(session, poll)
    split = _split(poll, len(items_of(poll)), await _role_groups(session, poll, stored))
    return result, split, turnout


async def _role_groups(
    session: AsyncSession, poll: Poll, stored: Sequence[StoredBallot]
) -> dict[str, list[StoredBallot]]:
    held = {} if poll.anonymous else await roles.roles_by_person(session, poll.team_id)
    groups: dict[str, list[StoredBallot]] = defaultdict(list)
    for ballot in stored:
        if poll.anonymous:
            names: Sequence[str] = ballot.roles
        else:
            names = held.get(ballot.voter_id or "", [])
        for name in names or [NO_ROLE]:
            groups[name].append(ballot)
    return groups


def _split(poll: Poll, n: int, groups: dict[str, list[StoredBallot]]) -> RoleSplit:
    """Per-role results; on anonymous polls small groups merge, or are withheld, never shown."""
    if not groups or set(groups) == {NO_ROLE}:
        return RoleSplit(())
    withheld = 0
    if poll.anonymous:
        small = {
            name
            for name, members in groups.items()
            if len(members) < MIN_ANONYMOUS_GROUP and name != OTHER_ROLES
        }
        merged = {b.id: b for name in small | {OTHER_ROLES} for b in groups.pop(name, [])}
        if len(merged) >= MIN_ANONYMOUS_GROUP:
            groups[OTHER_ROLES] = list(merged.values())
        else:
            withheld = len(merged)
    method = method_of(poll)
    order = sorted(groups, key=lambda name: (name in (NO_ROLE, OTHER_ROLES), name.casefold()))
    shown = tuple(
        (name, len(groups[name]), tally(method, n, [b.choice for b in groups[name]]))
        for name in order
    )
    return RoleSplit(shown, withheld)


_redrawing: set[tuple[int, int]] = set()
_stale: set[tuple[int, int]] = set()


async def refresh(ctx: Context, workspace_id: str, poll_id: int) -> None:
    """Redraws the live message. Ballots cast while a redraw runs are folded into one more
    redraw, so a rush of 200 voters costs a few platform updates, not 200 (rate limits)."""
    key = (id(ctx), poll_id)
    if key in _redrawing:
        _stale.add(key)
        return
    _redrawing.add(key)
    try:
        while True:
            _stale.discard(key)
            await _redraw(ctx, workspace_id, poll_id)
            if key not in _stale:
                break
    finally:
        _redrawing.discard(key)


async def _redraw(ctx: Context, workspace_id: str, poll_id: int) -> None:
    """A platform hiccup is logged; the ballots are already safe."""
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        poll = await votes.get(session, workspace_id, poll_id)
        if poll is None:
            return
        result, _, turnout = await counted(session, poll)
        support = await research_support(session, poll)
        added = await vote_options.added(session, poll_id)
    ref = message_of(poll)
    if ref is None:
        return
    shown = result if results_visible(poll, now) else None
    message = views.poll_message(poll, shown, turnout, now, support, added)
    try:
        await ctx.messenger.update(ref, message)
    except Exception:
        log.warning("could not refresh the live message of vote %s", poll_id, exc_info=True)


# Closing -----------------------------------------------------------------------------------


CloseHook = Callable[[AsyncSession, Context, Poll, Result, RoleSplit], Awaitable[list[str]]]
"""Runs in a poll's closing transaction; returns the outbox batches it queued (delivered
after the commit). The decisions feature hooks in here: features never call each other's
handlers, and votes knows nothing of decision records."""

_close_hooks: list[CloseHook] = []


def on_close(hook: CloseHook) -> CloseHook:
    if hook not in _close_hooks:
        _close_hooks.append(hook)
    return hook


async def finish(
    ctx: Context, workspace_id: str, poll_id: int, *, by: str | None = None
) -> Poll | None:
    """Closes the poll, then posts the final result; None if it was already closed.

    Closing takes the poll's row lock, so on PostgreSQL it waits for ballots still being saved
    and every stored ballot is counted. The result post is queued in the closing transaction
    (the outbox) and posted after it: a failed or interrupted post is retried, never lost.
    `by` is whoever closed it by hand (None at the deadline).
    """
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        if not await votes.close(session, poll_id, now):
            return None
        if by is not None:
            await votes.close_by(session, poll_id, by)
        poll = await load(session, workspace_id, poll_id)
        result, split, turnout = await summarize(session, poll)
        support = await research_support(session, poll)
        added = await vote_options.added(session, poll_id)
        unbacked = await evidence.unbacked_leaders(session, poll, result)
        where = deliveries.Recipient(
            poll.platform, deliveries.CHANNEL, poll.channel_id, poll.thread_id
        )
        batch = await deliveries.queue(
            session, ctx, RESULT, str(poll_id), poll.workspace_id, [where]
        )
        hooked = [b for hook in _close_hooks for b in await hook(session, ctx, poll, result, split)]
    await deliveries.deliver(ctx, batch, views.final_reply(poll, result, split, turnout, unbacked))
    for queued in hooked:
        await deliveries.deliver(ctx, queued)
    ref = message_of(poll)
    if ref is not None:
        try:
            closed = views.poll_message(poll, result, turnout, now, support, added)
            await ctx.messenger.update(ref, closed)
        except Exception:
            log.warning("could not mark vote %s closed in its message", poll_id, exc_info=True)
    return poll


async def _render_result(ctx: Context, row: Delivery) -> Reply | None:
    """A resumed result post shows the closed poll's stored result."""
    async with ctx.db.transaction() as session:
        poll = await votes.get(session, row.workspace_id, int(row.subject))
        if poll is None or poll.closed_at is None:  # deleted, or reopened since
            return None
        result, split, turnout = await summarize(session, poll)
        unbacked = await evidence.unbacked_leaders(session, poll, result)
    return views.final_reply(poll, result, split, turnout, unbacked)


RESULT = deliveries.register(deliveries.Topic("vote.result", _render_result))


async def close_due(ctx: Context) -> None:
    """The deadline tick: every overdue poll is closed exactly once across replicas."""
    async with ctx.db.transaction() as session:
        overdue = await votes.due(session, ctx.clock.now())
    due = [(p.workspace_id, p.id) for p in overdue]
    # A reopened vote closes again at its new deadline: the claim names the deadline too.
    deadline_of = {p.id: p.deadline.isoformat() if p.deadline else "" for p in overdue}
    for workspace_id, poll_id in due:
        assert poll_id is not None

        async def work(workspace_id: str = workspace_id, poll_id: int = poll_id) -> None:
            await finish(ctx, workspace_id, poll_id)

        await run_once(ctx, f"vote.close:{poll_id}:{deadline_of[poll_id]}", work)


async def reopen(ctx: Context, workspace_id: str, poll_id: int) -> Poll | None:
    """Opens a closed vote again (a decision's Accountable person asked for another round);
    None when it is open already. A vote that had a deadline gets as long again from now.
    An anonymous vote gets a fresh salt: ballots already cast still count but can no longer
    be changed, since nobody can link them to their voters any more."""
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        poll = await load(session, workspace_id, poll_id)
        deadline = None
        if poll.deadline is not None:
            deadline = now + max(poll.deadline - poll.created_at, timedelta(hours=1))
        salt = secrets.token_hex(16) if poll.anonymous else ""
        if not await votes.reopen(session, poll_id, deadline, salt):
            return None
        poll = await load(session, workspace_id, poll_id)
    await refresh(ctx, workspace_id, poll_id)
    return poll


async def delete(ctx: Context, actor: Actor, poll_id: int) -> Reply:
    async with ctx.db.transaction() as session:
        poll = await load(session, actor.workspace_id, poll_id)
        if not may_manage(poll, actor):
            raise PermissionDenied("Only the vote's creator or a workspace admin can delete it.")
        await votes.remove(session, poll_id)
    ref = message_of(poll)
    if ref is not None:
        gone = reply(text(f"Vote {poll_id} was deleted by {actor.label}."), public=True)
        try:
            await ctx.messenger.update(ref, gone)
        except Exception:
            log.warning("could not mark vote %s deleted in its message", poll_id, exc_info=True)
    return reply(text(f"Vote {poll_id} and all its ballots are deleted."))
