"""`/decision log` and `/decision show` (its `SPEC`), and the Ratify / Override / Reopen answers."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Actor, Command, Conversation, Submission
from bot.feature import Arg, ArgKind, Args, CommandSpec, Example, Subcommand
from bot.features.decisions import records, views
from bot.features.decisions.people import matrix_of, people_for, refuse_unless_may_settle
from bot.features.roles import Ambiguous, Found, find_decision
from bot.mentions import readable
from bot.replies import (
    Form,
    FormErrors,
    Input,
    InputKind,
    Outcome,
    done_in_place,
    reply,
    text,
)
from storage.models.decisions import OVERRIDDEN, RATIFIED, REOPENED, DecisionRecord
from storage.repositories import decisions as repo
from storage.repositories import product_teams

OVERRIDE_FORM = "decision.override"
MAX_DECIDED_CHARS, MAX_REASON_CHARS = 500, 1000
MAX_RECORD_DIGITS = 9  # beyond any record number handed out (and a 32-bit column)


def parse_id(raw: str) -> int:
    """A record number a button sends back (untrusted): `4` or `#4`."""
    typed = readable(raw).strip().split()[0] if raw.strip() else ""
    value = typed.lstrip("#")
    if not value.isdigit() or len(value) > MAX_RECORD_DIGITS:
        raise UserError(
            f"Decision records have numbers, like `/decision show 4`; “{typed[:20]}” isn't one."
        )
    return int(value)


async def visible(
    ctx: Context, actor: Actor, asked_in: Conversation, record: DecisionRecord
) -> bool:
    """A record is read where its vote was: the channel's members, the people it asked,
    whoever settled it and admins. Outside its channel the platform is asked (no transaction
    held)."""
    asked = repo.details_of(record).accountable_ids
    if actor.is_admin or actor.user_id in (*asked, record.decided_by):
        return True
    if asked_in.platform == record.platform and asked_in.channel_id == record.channel_id:
        return True
    where = Conversation(record.platform, record.workspace_id, record.channel_id, record.thread_id)
    return await ctx.messenger.is_member(where, actor.user_id)


async def _show(command: Command, args: Args, ctx: Context) -> Outcome:
    record_id = args.number("id")
    assert record_id is not None  # a required argument: the router refused its absence
    if record_id >= 10**MAX_RECORD_DIGITS:
        raise records.missing(record_id)
    async with ctx.db.transaction() as session:
        record = await records.load(session, command.actor.workspace_id, record_id)
        people = await people_for(session, record.team_id, record.decision_key)
    if not await visible(ctx, command.actor, command.conversation, record):
        raise records.missing(record_id)
    return views.show(record, people.may_settle(command.actor))


async def _log(command: Command, args: Args, ctx: Context) -> Outcome:
    wanted = " ".join(readable(args.text("decision")).strip().strip("\"“”'").split())
    async with ctx.db.transaction() as session:
        team = await product_teams.team_for(session, command.conversation, ctx.clock.now())
        assert team.id is not None
        name, key = None, None
        if wanted:
            matrix = await matrix_of(session, team.id)
            found = find_decision(wanted, matrix.decisions)
            if isinstance(found, Ambiguous):
                names = ", ".join(f"“{d.name}”" for d in found.candidates)
                raise UserError(f"“{wanted[:60]}” could be {names}. Which one?")
            if not isinstance(found, Found):
                raise UserError(
                    f"There's no decision called “{wanted[:60]}” in the RACI matrix; "
                    "`/raci show` lists them."
                )
            name, key = found.decision.name, found.decision.key
        stored = await repo.of_team(session, team.id, key)
    shown = [r for r in stored if await visible(ctx, command.actor, command.conversation, r)]
    return views.log(shown, name)


# Answers from the Accountable person ---------------------------------------------------------


async def ratify(action: Action, ctx: Context) -> Outcome:
    record = await records.settle(ctx, action.actor, parse_id(action.value), RATIFIED)
    return done_in_place(
        reply(
            text(
                f"You ratified “{record.decision_name}”: {record.decided}. The record is posted "
                "in the vote's channel and the Informed roles are told."
            )
        )
    )


async def reopen(action: Action, ctx: Context) -> Outcome:
    record = await records.settle(ctx, action.actor, parse_id(action.value), REOPENED)
    return done_in_place(
        reply(
            text(
                f"Vote {record.poll_id} is open again. When it closes, its result comes back "
                "to you as a new decision record."
            )
        )
    )


async def override_form(action: Action, ctx: Context) -> Outcome:
    record_id = parse_id(action.value)
    async with ctx.db.transaction() as session:
        record = await records.load(session, action.actor.workspace_id, record_id)
        people = await people_for(session, record.team_id, record.decision_key)
    refuse_unless_may_settle(action.actor, people, record.decision_name)
    if record.status != "pending":
        raise UserError(records.already_settled(record))
    return Form(
        form_id=OVERRIDE_FORM,
        title="Override the vote",
        submit_label="Override",
        metadata=str(record_id),
        intro=views.override_intro(record),
        inputs=(
            Input("decided", "What is decided instead", max_length=MAX_DECIDED_CHARS),
            Input(
                "reason",
                "Why (shown in the record)",
                InputKind.MULTILINE,
                max_length=MAX_REASON_CHARS,
            ),
        ),
    )


async def override_submitted(submission: Submission, ctx: Context) -> Outcome:
    decided = " ".join(submission.text("decided").split())
    reason = submission.text("reason")
    errors: dict[str, str] = {}
    if not decided:
        errors["decided"] = "Say what is decided instead of the vote's result."
    elif len(decided) > MAX_DECIDED_CHARS:
        errors["decided"] = f"Keep it under {MAX_DECIDED_CHARS} characters."
    if not reason:
        errors["reason"] = "An override needs a reason: the team sees it beside the vote."
    elif len(reason) > MAX_REASON_CHARS:
        errors["reason"] = f"Keep the reason under {MAX_REASON_CHARS} characters."
    if errors:
        return FormErrors(errors)
    record = await records.settle(
        ctx, submission.actor, parse_id(submission.metadata), OVERRIDDEN, decided, reason
    )
    return reply(
        text(
            f"You overrode vote {record.poll_id} on “{record.decision_name}”: {decided}. The "
            "record shows it beside the vote's result; the Informed roles are told."
        )
    )


_LOG = Subcommand(
    "log",
    "this team's decision records, newest first, or one RACI decision's",
    _log,
    args=(Arg("decision", ArgKind.TEXT, required=False),),
    examples=(
        Example("/decision log", "this team's decision records, newest first"),
        Example('/decision log "Pricing & packaging"', "the records of one RACI decision"),
    ),
    aliases=("list", "records"),
)
_SHOW = Subcommand(
    "show",
    "one record: what was decided, the vote by role, the evidence",
    _show,
    args=(Arg("id", ArgKind.NUMBER, label="a record number"),),
    examples=(
        Example("/decision show 4", "record 4: what was decided, the vote by role, the evidence"),
    ),
)
SPEC = CommandSpec(
    name="decision",
    summary="decision records: votes on RACI decisions, ratified by the Accountable",
    subcommands=(_LOG, _SHOW),
    examples=(
        *_LOG.examples,
        *_SHOW.examples,
        Example(
            '/vote new Which tier first? for "Pricing & packaging"',
            "a vote that informs a decision; its Accountable person ratifies the result",
        ),
    ),
)
