"""The "Who owns…?" shortcut: a one-question form, answered like `/who`, privately."""

from __future__ import annotations

from bot.context import Context
from bot.events import Action, Command, Submission
from bot.features.roles.commands import who
from bot.replies import Form, FormErrors, Input, Outcome

ASK_ACTION = "who.ask"
ASK_FORM = "who.asked"
MAX_ASKED = 200


async def ask(action: Action, ctx: Context) -> Outcome:
    return Form(
        ASK_FORM,
        "Who owns…?",
        (
            Input(
                "decision",
                "Which decision?",
                max_length=MAX_ASKED,
                placeholder="backlog priority",
            ),
        ),
        submit_label="Ask",
    )


async def asked(submission: Submission, ctx: Context) -> Outcome:
    decision = submission.text("decision")
    if not decision:
        return FormErrors({"decision": "Name a decision, e.g. backlog priority."})
    if len(decision) > MAX_ASKED:
        return FormErrors({"decision": f"Up to {MAX_ASKED} characters, please."})
    command = Command("who", decision, submission.actor, submission.conversation)
    return await who(command, ctx)
