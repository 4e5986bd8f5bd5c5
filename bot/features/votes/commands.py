"""`/vote` and its subcommands (declared in `SPEC`), the ballot actions and the two forms'
handlers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.context import Context
from bot.errors import PermissionDenied, UserError
from bot.events import Action, Actor, Command, Submission
from bot.feature import Arg, ArgKind, Args, CommandSpec, Example, Subcommand, SubcommandHandler
from bot.features.votes import (
    access,
    ballots,
    evidence,
    forms,
    importers,
    informs,
    polls,
    series,
    views,
)
from bot.features.votes.settings import VoteSettings
from bot.mentions import readable
from bot.replies import (
    Code,
    FormErrors,
    Outcome,
    confirmation,
    done_in_place,
    reply,
    text,
)
from bot.timezones import zone_or_utc
from storage.models.votes import Poll
from storage.repositories import people, votes

DELETE_ACTION = "vote.delete"


# /vote new ---------------------------------------------------------------------------------


async def _new(command: Command, args: Args, ctx: Context) -> Outcome:
    """`/vote new [question] [for "decision"]`, or `/vote new from <source> <what>`."""
    rest, asked_for = informs.split_for(args.rest)
    choices = await informs.choices(ctx, command.conversation)
    head = rest.split(None, 2)
    if len(head) >= 2 and head[0].lower() == "from":
        source = head[1].lower()
        argument = head[2] if len(head) > 2 else ""
        items = await _import(ctx, source, argument)
        chosen = informs.resolve(asked_for, choices) if asked_for else ""
        spec = f"{source} {argument}".strip() if source != "csv" else ""
        return _prefilled(command, items, source, choices, chosen, spec)
    question = " ".join(readable(rest).split())
    if len(question) > forms.MAX_QUESTION_CHARS:
        raise UserError(
            f"That question is {len(question):,} characters long; a vote question takes up to "
            f"{forms.MAX_QUESTION_CHARS} characters. Shorten it, or put the detail in the items."
        )
    chosen = (
        informs.resolve(asked_for, choices) if asked_for else informs.suggest(question, choices)
    )
    return forms.new_form(
        command.conversation, question=question, decisions=choices, decision=chosen
    )


async def _import(ctx: Context, source: str, argument: str) -> list[str]:
    if source == "csv":
        return importers.from_csv(readable(argument))
    return await importers.from_source(ctx.feature_settings.of(VoteSettings), source, argument)


def _prefilled(
    command: Command,
    items: list[str],
    source: str,
    choices: list[forms.DecisionChoice],
    chosen: str,
    spec: str,
) -> Outcome:
    if not items:
        raise UserError(f"I found no backlog items in that {source} import; nothing was opened.")
    kept = [" ".join(item.split()) for item in items[: forms.MAX_ITEMS]]  # one line each
    note = f"Imported {len(kept)} items from {source}; edit them as you like."
    if len(items) > len(kept):
        note = (
            f"Imported the first {len(kept)} of {len(items)} items from {source}: "
            f"a vote takes at most {forms.MAX_ITEMS}."
        )
    long = [item for item in kept if len(item) > forms.MAX_ITEM_CHARS]
    if long:
        kept = [ballots.short(item, forms.MAX_ITEM_CHARS) for item in kept]
        note += (
            f" {len(long)} of them were longer than {forms.MAX_ITEM_CHARS} characters "
            "(the most an item may have) and now end in “…”."
        )
    return forms.new_form(
        command.conversation, items=kept, note=note, decisions=choices, decision=chosen, source=spec
    )


async def submit_new(submission: Submission, ctx: Context) -> Outcome:
    now = ctx.clock.now()
    checked = forms.validate(submission, now, await _zone(ctx, submission.actor))
    if isinstance(checked, dict):
        return FormErrors(checked)
    where = forms.home(submission)
    checked = await informs.checked(ctx, where, checked)
    if isinstance(checked, dict):
        return FormErrors(checked)
    poll = await polls.open_poll(ctx, submission.actor, where, checked)
    closes = f"; it closes {views.when(poll, poll.deadline)}" if poll.deadline else ""
    return reply(
        text(
            f"Vote {poll.id} is open in the channel{closes}. Close it early with ",
            Code(f"/vote close {poll.id}"),
            ".",
        )
    )


async def _zone(ctx: Context, actor: Actor) -> ZoneInfo:
    """The asker's zone: from the platform, else the people directory, else UTC."""
    if actor.timezone:
        return zone_or_utc(actor.timezone)
    async with ctx.db.transaction() as session:
        known = await people.find(session, actor.workspace_id, actor.user_id)
    return zone_or_utc(known.timezone if known else None)


# Ballots -----------------------------------------------------------------------------------


async def pick(action: Action, ctx: Context) -> Outcome:
    """Single choice straight from the menu in the poll message."""
    poll_part, _, item_part = action.value.partition(":")
    poll_id = polls.parse_id(poll_part)
    await access.visible_poll(ctx, action.actor, action.conversation, poll_id)
    poll, _ = await polls.current_ballot(ctx, action.actor, poll_id)
    choice = ballots.single_choice(len(votes.items_of(poll)), item_part)
    if choice is None:
        raise UserError("That choice isn't on this vote any more; open the vote again.")
    return await polls.cast(ctx, action.actor, poll_id, choice)


async def open_ballot(action: Action, ctx: Context) -> Outcome:
    poll_id = polls.parse_id(action.value)
    await access.visible_poll(ctx, action.actor, action.conversation, poll_id)
    poll, current = await polls.current_ballot(ctx, action.actor, poll_id)
    async with ctx.db.transaction() as session:
        support = await polls.research_support(session, poll)
        confidence = await evidence.prefilled_confidence(session, poll)
    form = ballots.ballot_form(poll, current, views.support_note(support))
    return evidence.with_confidence(form, votes.items_of(poll), confidence, current)


async def submit_ballot(submission: Submission, ctx: Context) -> Outcome:
    poll_id = polls.parse_id(submission.metadata)
    poll = await access.visible_poll(ctx, submission.actor, submission.conversation, poll_id)
    polls.refuse_unless_open(poll, ctx.clock.now())  # `cast` checks again as it stores
    polls.refuse_unless_allowed(poll, submission.actor)
    ballot = ballots.read(poll, submission)
    if isinstance(ballot, dict):
        return FormErrors(ballot)
    return await polls.cast(ctx, submission.actor, poll_id, ballot)


# Subcommands taking a vote id ----------------------------------------------------------------


async def _list(command: Command, args: Args, ctx: Context) -> Outcome:
    where = command.conversation
    async with ctx.db.transaction() as session:
        found = await votes.in_channel(session, where.workspace_id, where.channel_id)
        turnouts = {p.id: await votes.turnout(session, p.id) for p in found if p.id is not None}
    return views.list_reply(found, turnouts, ctx.clock.now())


VoteHandler = Callable[[Actor, Context, int], Awaitable[Outcome]]


def _on_visible_vote(handler: VoteHandler) -> SubcommandHandler:
    """A subcommand on one vote: the number checked (`polls.parse_id`: no vote that large),
    the vote visible to the asker, then `handler`."""

    async def run(command: Command, args: Args, ctx: Context) -> Outcome:
        poll_id = polls.parse_id(str(args.number("id")))
        await access.visible_poll(ctx, command.actor, command.conversation, poll_id)
        return await handler(command.actor, ctx, poll_id)

    return run


async def _delete(command: Command, args: Args, ctx: Context) -> Outcome:
    """Deleting throws away every ballot: without `confirm` (or `yes`) it asks first."""
    poll_id = polls.parse_id(str(args.number("id")))
    await access.visible_poll(ctx, command.actor, command.conversation, poll_id)
    if args.text("confirm").casefold() not in ("confirm", "yes"):
        return await confirm_delete(command.actor, ctx, poll_id)
    return await polls.delete(ctx, command.actor, poll_id)


async def results(actor: Actor, ctx: Context, poll_id: int) -> Outcome:
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        poll = await polls.load(session, actor.workspace_id, poll_id)
        _refuse_while_hidden(poll, now)
        result, split, turnout = await polls.summarize(session, poll)
        unbacked = await evidence.unbacked_leaders(session, poll, result)
    return views.results_reply(poll, result, split, turnout, now, unbacked)


def _refuse_while_hidden(poll: Poll, now: datetime) -> None:
    if not polls.results_visible(poll, now):
        closes = f" at {views.when(poll, poll.deadline)}" if poll.deadline else ""
        raise UserError(f"Vote {poll.id} keeps its results hidden until it closes{closes}.")


async def close(actor: Actor, ctx: Context, poll_id: int) -> Outcome:
    async with ctx.db.transaction() as session:
        poll = await polls.load(session, actor.workspace_id, poll_id)
    if not polls.may_manage(poll, actor):
        raise PermissionDenied("Only the vote's creator or a workspace admin can close it.")
    if await polls.finish(ctx, actor.workspace_id, poll_id, by=actor.user_id) is None:
        raise UserError(f"Vote {poll_id} is already closed; `/vote results {poll_id}` shows it.")
    return reply(text(f"Vote {poll_id} is closed; the final result is posted in the channel."))


async def confirm_delete(actor: Actor, ctx: Context, poll_id: int) -> Outcome:
    """Deleting throws away every ballot, so it is asked for twice."""
    async with ctx.db.transaction() as session:
        poll = await polls.load(session, actor.workspace_id, poll_id)
        turnout = await votes.turnout(session, poll_id)
    if not polls.may_manage(poll, actor):
        raise PermissionDenied("Only the vote's creator or a workspace admin can delete it.")
    ballots_text = f"its {turnout} ballot{'s' if turnout != 1 else ''}" if turnout else "it"
    return confirmation(
        f"Delete vote {poll_id} (“{ballots.short(poll.question, 60)}”) and {ballots_text}?",
        f"Delete vote {poll_id}",
        DELETE_ACTION,
        str(poll_id),
        f"/vote delete {poll_id} confirm",
    )


async def delete_confirmed(action: Action, ctx: Context) -> Outcome:
    return done_in_place(await polls.delete(ctx, action.actor, polls.parse_id(action.value)))


async def export(actor: Actor, ctx: Context, poll_id: int) -> Outcome:
    """CSV of the result; the creator or an admin also gets each voter's ballot on open polls."""
    now = ctx.clock.now()
    async with ctx.db.transaction() as session:
        poll = await polls.load(session, actor.workspace_id, poll_id)
        _refuse_while_hidden(poll, now)
        result, stored, _ = await polls.counted(session, poll)
        rows: list[tuple[str, str]] = []
        if not poll.anonymous and polls.may_manage(poll, actor):
            named = {b.voter_id or "" for b in stored}
            names = await people.names(session, actor.workspace_id, named)
            items = votes.items_of(poll)
            rows = sorted(
                (
                    names[b.voter_id or ""],
                    ballots.describe(ballots.method_of(poll), items, b.choice),
                )
                for b in stored
            )
    return views.export_reply(poll, result, rows)


_ID = Arg("id", ArgKind.NUMBER, label="a vote number")
_NEW_EXAMPLES = (
    Example("/vote new", "open the form: question, items, method, deadline, who votes"),
    Example("/vote new Which epic next?", "the same form with the question filled in"),
    Example(
        '/vote new Which tier first? for "Pricing & packaging"',
        "a vote informing a RACI decision: its Accountable person ratifies the result",
    ),
    Example("/vote new from csv <pasted CSV>", "the form with items from CSV (title column)"),
    Example("/vote new from github acme/app bug,ux", "items from open GitHub issues (labels)"),
    Example("/vote new from jira project = APP AND status = Open", "items from a Jira search"),
)


def _on_one_vote(
    name: str, handler: VoteHandler, summary: str, meaning: str, *aliases: str
) -> Subcommand:
    """`/vote <name> <id>`, documented by `/vote <name> 7` and what it does to vote 7."""
    return Subcommand(
        name,
        summary,
        _on_visible_vote(handler),
        args=(_ID,),
        examples=(Example(f"/vote {name} 7", meaning),),
        aliases=aliases,
    )


SPEC = CommandSpec(
    name="vote",
    summary="prioritise the backlog together: six voting methods, results by role",
    subcommands=(
        Subcommand(
            "new",
            "open the form: question, items, method, deadline, who votes",
            _new,
            args=(Arg("question", ArgKind.TEXT, required=False),),
            examples=_NEW_EXAMPLES,
        ),
        Subcommand(
            "list",
            "this channel's votes, open and closed",
            _list,
            examples=(Example("/vote list", "this channel's votes, open and closed"),),
        ),
        _on_one_vote(
            "results",
            results,
            "a vote's results, split by role",
            "results of vote 7, split by role",
            "result",
        ),
        _on_one_vote(
            "close",
            close,
            "close a vote now and post the final result (its creator or an admin)",
            "close vote 7 now and post the final result (creator or admin)",
        ),
        Subcommand(
            "delete",
            "delete a vote and its ballots, asking first (its creator or an admin)",
            _delete,
            args=(_ID, Arg("confirm", required=False)),
            examples=(
                Example("/vote delete 7", "delete vote 7 and its ballots (creator or admin)"),
            ),
        ),
        _on_one_vote(
            "stop",
            series.stop,
            "a repeating vote opens no more rounds (its creator or an admin)",
            "a repeating vote 7 opens no more rounds (creator or admin)",
        ),
        _on_one_vote("export", export, "a vote's result as CSV", "the result as CSV"),
    ),
)
