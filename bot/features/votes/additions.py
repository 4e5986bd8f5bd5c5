"""Voters add options to an open vote, when its creator allowed it.

Only single, multiple and dot votes take additions: ranked, MoSCoW and RICE ballots rate every
item, so an item added later would be missing from every ballot already cast. The new item is
appended (existing item numbers, which ballots point at, never move) under the poll's row lock,
and recorded once per case-folded label, so a replayed or concurrent addition adds nothing
twice. On anonymous votes nobody is recorded as the adder: adding an item and then being the
only vote for it would name the voter.
"""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Actor, Submission
from bot.features.votes import access, polls
from bot.features.votes.ballots import method_of, short
from bot.features.votes.forms import ADDABLE, MAX_ITEM_CHARS, MAX_ITEMS
from bot.features.votes.views import ADD_OPTION_ACTION
from bot.mentions import readable
from bot.replies import (
    Code,
    Form,
    FormErrors,
    Input,
    Outcome,
    reply,
    small_print,
    text,
)
from storage.models.votes import Poll
from storage.repositories import vote_options
from storage.repositories.votes import items_of

ADD_ACTION = ADD_OPTION_ACTION
ADD_FORM = "vote.option"
LABEL_INPUT = "option"


def refuse_unless_addable(poll: Poll) -> None:
    if not poll.allow_additions or method_of(poll) not in ADDABLE:
        raise UserError(f"Vote {poll.id} takes no new options: its creator did not allow them.")


def _refuse_when_full(poll: Poll) -> None:
    if len(items_of(poll)) >= MAX_ITEMS:
        raise UserError(f"Vote {poll.id} already has {MAX_ITEMS} options, the most a vote takes.")


async def open_form(action: Action, ctx: Context) -> Outcome:
    """The "Add an option" button: a one-line form, once the vote is checked to take one."""
    poll_id = polls.parse_id(action.value)
    await access.visible_poll(ctx, action.actor, action.conversation, poll_id)
    poll, _ = await polls.current_ballot(ctx, action.actor, poll_id)  # open, and yours to vote
    refuse_unless_addable(poll)
    _refuse_when_full(poll)
    listed = "\n".join(f"{i + 1}. {item}" for i, item in enumerate(items_of(poll)))
    return Form(
        form_id=ADD_FORM,
        title=short(f"Add to vote {poll.id}", 24),
        submit_label="Add it",
        metadata=str(poll.id),
        intro=(poll.question, "\n", "Already on the vote:", "\n", listed),
        inputs=(
            Input(
                LABEL_INPUT,
                "Your option",
                max_length=MAX_ITEM_CHARS,
                placeholder="An item the list is missing",
                hint="Everyone sees it on the vote at once, and can vote for it.",
            ),
        ),
    )


def clean_label(raw: str) -> str | dict[str, str]:
    """The option as it will be listed, or the error to show beside the input."""
    label = " ".join(readable(raw).split())
    if not label:
        return {LABEL_INPUT: "Type the option to add."}
    if len(label) > MAX_ITEM_CHARS:
        return {LABEL_INPUT: f"Keep it under {MAX_ITEM_CHARS} characters; this is {len(label)}."}
    return label


async def submit(submission: Submission, ctx: Context) -> Outcome:
    poll_id = polls.parse_id(submission.metadata)  # sent back by the client: checked again
    await access.visible_poll(ctx, submission.actor, submission.conversation, poll_id)
    label = clean_label(submission.text(LABEL_INPUT))
    if isinstance(label, dict):
        return FormErrors(label)
    position = await add(ctx, submission.actor, poll_id, label)
    if position is None:
        return FormErrors({LABEL_INPUT: f"“{short(label, 60)}” is already on vote {poll_id}."})
    await polls.refresh(ctx, submission.actor.workspace_id, poll_id)
    return reply(
        text(
            f"Added “{label}” to vote {poll_id} as option {position + 1}; everyone can vote for it."
        ),
        small_print(
            "Vote for it from the vote's message, or see it with ",
            Code(f"/vote results {poll_id}"),
            ".",
        ),
    )


async def add(ctx: Context, actor: Actor, poll_id: int, label: str) -> int | None:
    """Appends the option; its index, or None when the vote already lists it."""
    async with ctx.db.transaction() as session:
        poll = await vote_options.locked(session, actor.workspace_id, poll_id)
        if poll is None:
            raise polls.missing(poll_id)
        polls.refuse_unless_open(poll, ctx.clock.now())
        polls.refuse_unless_allowed(poll, actor)
        refuse_unless_addable(poll)
        _refuse_when_full(poll)
        adder = "" if poll.anonymous else actor.user_id
        return await vote_options.append(session, poll, label, adder)
