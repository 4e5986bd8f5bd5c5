"""Start a vote from a message: the new-vote form with one item per line or bullet point,
opened for the message's thread (Slack's message shortcut, Teams' message action)."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserError
from bot.events import Action
from bot.features.votes import ballots, forms
from bot.quoted import QuotedMessage
from bot.replies import Outcome

FROM_MESSAGE_ACTION = "vote.from_message"


async def from_message(action: Action, ctx: Context) -> Outcome:
    quoted = QuotedMessage.decode(action.value)
    lead, items = quoted.points()
    items = list(dict.fromkeys(items))
    if len(items) < forms.MIN_ITEMS:
        raise UserError(
            "That message has fewer than two lines or bullet points to vote on. Put one item "
            "per line, or use /vote new."
        )
    if len(items) > forms.MAX_ITEMS:
        raise UserError(
            f"That message has {len(items)} lines; a vote takes up to {forms.MAX_ITEMS} items."
        )
    note = f"{len(items)} items from the message."
    long = [item for item in items if len(item) > forms.MAX_ITEM_CHARS]
    if long:
        items = [ballots.short(item, forms.MAX_ITEM_CHARS) for item in items]
        note += (
            f" {len(long)} of them were longer than {forms.MAX_ITEM_CHARS} characters "
            "(the most an item may have) and now end in “…”; edit them here."
        )
    question = lead.rstrip(":") if len(lead) <= forms.MAX_QUESTION_CHARS else ""
    return forms.new_form(action.conversation, question=question, items=items, note=note)
