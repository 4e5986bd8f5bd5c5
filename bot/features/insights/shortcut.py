"""Share a message as a research insight: the insight form pre-filled from it, its link kept
as evidence (Slack's "Share as insight" shortcut, Teams' message action)."""

from __future__ import annotations

from bot.context import Context
from bot.errors import UserError
from bot.events import Action
from bot.features.insights.forms import MAX_LONG_TEXT, MAX_TITLE, FormState, insight_form
from bot.quoted import QuotedMessage
from bot.replies import Outcome

FROM_MESSAGE_ACTION = "insight.from_message"


async def from_message(action: Action, ctx: Context) -> Outcome:
    quoted = QuotedMessage.decode(action.value)
    finding = quoted.text.strip()
    if not finding:
        raise UserError("That message has no text to share as an insight.")
    if len(finding) > MAX_LONG_TEXT:
        raise UserError(
            f"That message is {len(finding):,} characters long; an insight's finding holds "
            f"{MAX_LONG_TEXT:,}. Use /insight new and summarise it."
        )
    first_line = quoted.lines()[0]
    evidence = f"Shared from a message: {quoted.link}" if quoted.link else ""
    prefill = {
        "title": first_line if len(first_line) <= MAX_TITLE else "",
        "finding": finding,
        "evidence": evidence if len(evidence) <= MAX_LONG_TEXT else "",
    }
    return insight_form(FormState(action.conversation.channel_id), prefill=prefill)
