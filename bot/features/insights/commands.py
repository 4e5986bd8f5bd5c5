"""`/insight ...`: one command, many verbs. Reading verbs live here; writing verbs in publish."""

from __future__ import annotations

from datetime import timedelta

from bot.context import Context
from bot.errors import UserError
from bot.events import Command, Conversation
from bot.feature import Arg, ArgKind, Args, CommandSpec, Example, Subcommand, SubcommandHandler
from bot.features.insights.access import find_insight, viewer_of, visible
from bot.features.insights.forms import FormState, insight_form
from bot.features.insights.matching import (
    Searchable,
    TargetKind,
    closest_tag,
    normalise_tag,
    parse_period,
    parse_tags,
    rank,
)
from bot.features.insights.publish import open_editor, retract
from bot.features.insights.sync import current_card
from bot.features.insights.views import insight_list, status_report, subscriptions_report
from bot.mentions import CHANNEL_MENTION, readable
from bot.replies import Outcome, Reply, reply, say, small_print
from storage.models.insights import InsightSubscription
from storage.repositories import insights as repo
from storage.repositories import people
from storage.repositories.insights import InsightView, SubscriptionTarget
from storage.repositories.roles import roles_by_person

LIST_LIMIT = 20
SEARCH_LIMIT = 10

USAGE = (
    ("/insight new", "share a research insight (opens a form)"),
    ("/insight subscribe #channel onboarding checkout", "post new insights with these tags there"),
    ("/insight subscribe here onboarding", "the same, for this conversation"),
    ("/insight unsubscribe #channel [tags]", "stop (all tags when none are given)"),
    ("/insight follow onboarding", "get insights with this tag by direct message"),
    ("/insight unfollow [tags]", "stop following"),
    ("/insight subscriptions", "what channels and you are subscribed to"),
    ("/insight search #onboarding", "insights with a tag (or words: fuzzy search)"),
    ("/insight list [tag] [30d]", "recent insights, optionally by tag and period"),
    ("/insight show 12", "insight 12 in full, with its answer buttons"),
    ("/insight status 12", "who answered insight 12 (author or admin)"),
    ("/insight edit 12", "change it; every post updates in place"),
    ("/insight retract 12", "retract it; every post says so"),
)


async def new(command: Command, args: Args, ctx: Context) -> Outcome:
    return insight_form(FormState(command.conversation.channel_id))


# Reading ----------------------------------------------------------------------------------


async def _visible_recent(
    command: Command, ctx: Context, *, tag: str | None = None, period: timedelta | None = None
) -> list[InsightView]:
    """Live insights this person may see here, newest first (private ones only if listed)."""
    since = ctx.clock.now() - period if period else None
    viewer = viewer_of(command.actor, command.conversation)
    async with ctx.db.transaction() as session:
        rows = await repo.recent(session, command.actor.workspace_id, since=since, tag=tag)
        views = await repo.load_many(session, rows)
    return [view for view in views if visible(view, viewer)]


async def search(command: Command, args: Args, ctx: Context) -> Reply:
    rest = readable(args.text("words")).strip()  # Slack may send `#onboarding` as a channel link
    if not rest:
        raise UserError(
            "Search for what? e.g. `/insight search onboarding drop-off` or `#checkout`."
        )
    views = await _visible_recent(command, ctx)
    if rest.startswith("#") and len(rest.split()) == 1:
        return _by_tag(normalise_tag(rest), views)
    by_id = {view.id: view for view in views}
    found = rank(
        rest,
        (Searchable(v.id, v.insight.title, v.insight.finding, tuple(v.tags)) for v in views),
        SEARCH_LIMIT,
    )
    return insight_list(
        f"Insights matching “{rest[:60]}”",
        [by_id[item.insight_id] for item in found],
        "Nothing matches. Try fewer words, or `/insight list` for the newest.",
    )


def _by_tag(tag: str, views: list[InsightView]) -> Reply:
    """Exact tag, or the visible tag it most likely misspells."""
    known = {t for view in views for t in view.tags}
    used = tag if tag in known else closest_tag(tag, known)
    found = [view for view in views if used in view.tags][:SEARCH_LIMIT] if used else []
    heading = f"Insights tagged #{used}" if used else f"Insights tagged #{tag}"
    result = insight_list(heading, found, f"No insight you can see is tagged #{tag}.")
    if used and used != tag:
        return reply(*result.blocks, small_print(f"No insight is tagged #{tag}; showing #{used}."))
    return result


async def list_recent(command: Command, args: Args, ctx: Context) -> Reply:
    tag, period = _list_filters(args.text("filters"))
    views = await _visible_recent(command, ctx, tag=tag, period=period)
    shown = views[:LIST_LIMIT]
    heading = "Recent insights" + (f" tagged #{tag}" if tag else "")
    heading += f" from the last {period.days} days" if period else ""
    result = insight_list(heading, shown, "No insights yet. Share one with `/insight new`.")
    if len(views) > len(shown):
        return reply(
            *result.blocks, small_print(f"Showing the newest {len(shown)} of {len(views)}.")
        )
    return result


def _list_filters(rest: str) -> tuple[str | None, timedelta | None]:
    tag: str | None = None
    period: timedelta | None = None
    for word in rest.split():
        if (found := parse_period(word)) is not None:
            if period is not None:
                raise UserError("Give one period at most, like `30d`.")
            period = found
        elif tag is None:
            tag = normalise_tag(word)
        else:
            raise UserError("`/insight list` takes one tag and one period, like `onboarding 30d`.")
    return tag, period


async def show(command: Command, args: Args, ctx: Context) -> Reply:
    """One insight in full, only to the asker, as its posted copies show it now."""
    insight_id = _insight_id(args)
    actor = command.actor
    async with ctx.db.transaction() as session:
        await find_insight(session, actor, command.conversation, insight_id)
    _, card = await current_card(ctx, actor.workspace_id, insight_id)
    return reply(*card.blocks)


async def status(command: Command, args: Args, ctx: Context) -> Reply:
    """Who answered what; "not yet" = people it was sent to directly plus the team's role
    holders (for a private insight only its listed people), minus those who answered."""
    insight_id = _insight_id(args)
    actor = command.actor
    async with ctx.db.transaction() as session:
        view = await find_insight(session, actor, command.conversation, insight_id)
        insight = view.insight
        if insight.author_id != actor.user_id and not actor.is_admin:
            raise UserError(
                f"Only the author of insight {insight_id} or an admin sees its answers."
            )
        acks = await repo.acks(session, insight_id)
        copies = await repo.deliveries(session, insight_id)
        direct = {c.target_id for c in copies if c.kind == TargetKind.PERSON}
        direct |= {a.target_id for a in view.audience if a.kind == TargetKind.PERSON}
        if not insight.is_private:
            direct |= set(await roles_by_person(session, insight.team_id))
        waiting = direct - {ack.user_id for ack in acks} - {insight.author_id}
        names = await people.names(session, insight.workspace_id, waiting)
    channels = sum(1 for c in copies if c.kind == TargetKind.CHANNEL)
    return status_report(view, acks, names, (channels, len(copies) - channels))


# Subscriptions ----------------------------------------------------------------------------


def _channel_target(command: Command, where: str) -> SubscriptionTarget:
    conversation = command.conversation
    if where.casefold() == "here":
        if conversation.is_direct:
            raise UserError("This is a direct message: use `/insight follow <tags>` instead.")
        return SubscriptionTarget(
            conversation.workspace_id,
            conversation.platform,
            TargetKind.CHANNEL,
            conversation.channel_id,
        )
    mention = CHANNEL_MENTION.fullmatch(where)
    if mention is None:
        raise UserError(
            "Start with the channel, then the tags: `/insight subscribe #channel onboarding` "
            "(pick the channel with #) or `/insight subscribe here onboarding`."
        )
    return SubscriptionTarget(
        conversation.workspace_id,
        conversation.platform,
        TargetKind.CHANNEL,
        mention.group(1),
        mention.group(2) or "",
    )


def _person_target(command: Command) -> SubscriptionTarget:
    actor = command.actor
    return SubscriptionTarget(
        actor.workspace_id, actor.platform, TargetKind.PERSON, actor.user_id, actor.display_name
    )


def _place(target: SubscriptionTarget) -> str:
    return f"#{target.name or target.target_id}"


def _tags_text(tags: list[str]) -> str:
    return ", ".join(f"#{tag}" for tag in tags)


async def subscribe(command: Command, args: Args, ctx: Context) -> Reply:
    target = _channel_target(command, args.text("where"))
    tags = _required_tags(args.text("tags"), "/insight subscribe here onboarding checkout")
    async with ctx.db.transaction() as session:
        added = await repo.subscribe(
            session, target, tags, by=command.actor.user_id, now=ctx.clock.now()
        )
    if not added:
        return say(f"{_place(target)} already gets insights tagged {_tags_text(tags)}.")
    return say(
        f"{_place(target)} now gets new insights tagged {_tags_text(added)}, once per insight "
        "however many of its tags match."
    )


async def unsubscribe(command: Command, args: Args, ctx: Context) -> Reply:
    target = _channel_target(command, args.text("where"))
    tags = parse_tags(args.text("tags")) or None
    async with ctx.db.transaction() as session:
        removed = await repo.unsubscribe(session, target, tags)
    if not removed:
        return say(f"{_place(target)} was not subscribed to {_tags_text(tags or []) or 'any tag'}.")
    return say(f"{_place(target)} no longer gets insights tagged {_tags_text(removed)}.")


async def follow(command: Command, args: Args, ctx: Context) -> Reply:
    tags = _required_tags(args.text("tags"), "/insight follow onboarding")
    async with ctx.db.transaction() as session:
        added = await repo.subscribe(
            session, _person_target(command), tags, by=command.actor.user_id, now=ctx.clock.now()
        )
    if not added:
        return say(f"You already follow {_tags_text(tags)}.")
    return say(
        f"You now follow {_tags_text(added)}: new insights with these tags come to you by "
        "direct message, once each."
    )


async def unfollow(command: Command, args: Args, ctx: Context) -> Reply:
    tags = parse_tags(args.text("tags")) or None
    async with ctx.db.transaction() as session:
        removed = await repo.unsubscribe(session, _person_target(command), tags)
    if not removed:
        return say(f"You did not follow {_tags_text(tags or []) or 'any tag'}.")
    return say(f"You no longer follow {_tags_text(removed)}.")


async def subscriptions(command: Command, args: Args, ctx: Context) -> Reply:
    actor = command.actor
    async with ctx.db.transaction() as session:
        rows = await repo.subscriptions(session, actor.workspace_id)
    channels = await _channels_visible_to(
        command, [r for r in rows if r.kind == TargetKind.CHANNEL], ctx
    )
    mine = [
        r.tag
        for r in rows
        if r.kind == TargetKind.PERSON
        and r.target_id == actor.user_id
        and r.platform == actor.platform
    ]
    return subscriptions_report(channels, mine)


async def _channels_visible_to(
    command: Command, rows: list[InsightSubscription], ctx: Context
) -> list[InsightSubscription]:
    """Admins see every subscribed channel; others only channels they are in, so the list
    never names a private channel to someone outside it (asked after the transaction)."""
    if command.actor.is_admin:
        return rows
    here = command.conversation
    member: dict[str, bool] = {}
    for row in rows:
        if row.target_id in member:
            continue
        inside = row.platform == here.platform and row.target_id == here.channel_id
        channel = Conversation(row.platform, row.workspace_id, row.target_id)
        member[row.target_id] = inside or await ctx.messenger.is_member(
            channel, command.actor.user_id
        )
    return [row for row in rows if member[row.target_id]]


def _required_tags(words: str, example: str) -> list[str]:
    tags = parse_tags(words)
    if not tags:
        raise UserError(f"Which tags? For example `{example}`.")
    return tags


def _insight_id(args: Args) -> int:
    insight_id = args.number("id")
    assert insight_id is not None  # a required argument: the router refused its absence
    return insight_id


async def edit(command: Command, args: Args, ctx: Context) -> Outcome:
    return await open_editor(command, args.rest, ctx)  # the id is checked by the router already


async def retract_asked(command: Command, args: Args, ctx: Context) -> Outcome:
    return await retract(command, args.rest, ctx)  # `12` or `12 confirm`, checked already


_ID = Arg("id", ArgKind.NUMBER, label="an insight number")
_TAGS = Arg("tags", ArgKind.TEXT, required=False)
_WHERE = Arg("where", required=False)


def _sub(name: str, handler: SubcommandHandler, *args: Arg, examples: int = 1) -> Subcommand:
    """A subcommand documented by its `USAGE` lines (the first `examples` that start so)."""
    mine = [line for line in USAGE if line[0].split()[1] == name][:examples]
    shown = tuple(Example(typed, meaning) for typed, meaning in mine)
    return Subcommand(name, mine[0][1], handler, args, shown)


SPEC = CommandSpec(
    name="insight",
    summary="share research insights with the channels and people who follow their tags",
    subcommands=(
        _sub("new", new),
        _sub("subscribe", subscribe, _WHERE, _TAGS, examples=2),
        _sub("unsubscribe", unsubscribe, _WHERE, _TAGS),
        _sub("follow", follow, _TAGS),
        _sub("unfollow", unfollow, _TAGS),
        _sub("subscriptions", subscriptions),
        _sub("search", search, Arg("words", ArgKind.TEXT, required=False)),
        _sub("list", list_recent, Arg("filters", ArgKind.TEXT, required=False)),
        _sub("show", show, _ID),
        _sub("status", status, _ID),
        _sub("edit", edit, _ID),
        _sub("retract", retract_asked, _ID, Arg("confirm", required=False)),
    ),
)
