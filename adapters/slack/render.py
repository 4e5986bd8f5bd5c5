"""The one place a core `Outcome` becomes Slack calls and ack bodies.

Every Slack request hands its outcome to `SlackRenderer.render` with the surface it came from:
a slash command, shortcut, mention or DM is answered where it was asked; a button on a message
may update that message; a modal submission answered in time travels in the ack (field errors,
the next page) and its reply is posted after; one answered after its ack is posted as a message.
How a chosen reply reaches Slack (fallbacks, resumable posts, stored "Open form" offers) is
transport, in `adapters/slack/delivery.py`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, overload

from adapters.slack.blocks import modal, modal_errors
from adapters.slack.delivery import SlackRoutes
from adapters.slack.translate import ActionSource, MetadataTooLarge, private_metadata
from bot.events import Conversation
from bot.replies import (
    Button,
    ButtonStyle,
    Form,
    FormErrors,
    Outcome,
    Reply,
    Visibility,
    buttons,
    reply,
    say,
    text,
)
from bot.server_key import ServerKey

log = logging.getLogger(__name__)

OPEN_FORM_ACTION = "alignbot.slack.open_form"
AckBody = dict[str, Any]  # the keyword arguments of a view_submission's ack
TOO_LARGE = "Sorry, that form is too large to open in Slack."
NOT_OPENED = "I could not open the form in time. Please try again."
EXPIRED = "That form has expired; please ask again."


class Surface(StrEnum):
    """What kind of Slack request the outcome answers."""

    CONVERSATION = "conversation"  # slash command, shortcut, mention, DM: answered where asked
    MESSAGE_BUTTON = "message_button"  # a button or menu: `replace_original` updates its message
    MODAL = "modal"  # a view_submission answered in time: errors or the next page in the ack
    CLOSED_MODAL = "closed_modal"  # a submission answered after its ack: posted as a message


@dataclass(frozen=True)
class Where:
    """The request an outcome answers. `source` is the message whose button was used (on the
    App Home when `on_home`); `block_ids` the submitted modal's input blocks; `later` starts
    durable work after a modal's ack (the inbox)."""

    conversation: Conversation
    user: str
    trigger_id: str | None = None
    response_url: str | None = None
    source: ActionSource | None = None
    on_home: bool = False
    block_ids: tuple[str, ...] = ()
    later: Callable[[Awaitable[None]], None] | None = None


def errors_reply(outcome: FormErrors) -> Reply:
    lines = "\n".join(f"• {name}: {problem}" for name, problem in outcome.errors.items())
    return say("That was not saved:\n", lines)


class SlackRenderer:
    """Turns the core's outcomes into Slack calls; the Slack half of "translator + renderer"."""

    def __init__(self, routes: SlackRoutes, key: ServerKey) -> None:
        self.routes = routes
        self.key = key  # seals modals' private_metadata

    @overload
    async def render(
        self,
        outcome: Outcome,
        where: Where,
        surface: Literal[Surface.CONVERSATION, Surface.MESSAGE_BUTTON, Surface.CLOSED_MODAL],
    ) -> None: ...

    @overload
    async def render(
        self, outcome: Outcome, where: Where, surface: Literal[Surface.MODAL]
    ) -> AckBody: ...

    async def render(self, outcome: Outcome, where: Where, surface: Surface) -> AckBody | None:
        """Sends what `outcome` asks for; for a modal submission, returns the ack's body."""
        match surface:
            case Surface.CONVERSATION:
                await self._answer(outcome, where)
            case Surface.MESSAGE_BUTTON:
                await self._on_message(outcome, where)
            case Surface.MODAL:
                return self._in_modal(outcome, where)
            case Surface.CLOSED_MODAL:
                await self._after_modal(outcome, where)
        return None

    async def _answer(self, outcome: Outcome, where: Where) -> None:
        match outcome:
            case Reply():
                await self._reply(outcome, where)
            case Form():
                await self._open_form(outcome, where)
            case FormErrors():
                await self._private(errors_reply(outcome), where)

    async def _on_message(self, outcome: Outcome, where: Where) -> None:
        """Like `_answer`; `replace_original` updates the message the button was on (on the
        App Home nothing: the adapter publishes the whole page again)."""
        if not (isinstance(outcome, Reply) and outcome.replace_original):
            await self._answer(outcome, where)
        elif not where.on_home:
            replaced = where.source is not None and await self.routes.replace(outcome, where.source)
            if not replaced:
                await self._reply(outcome, where)

    def _in_modal(self, outcome: Outcome, where: Where) -> AckBody:
        """Errors and a next page replace the modal through the ack; a reply closes it and
        is posted after the ack, as durable work."""
        match outcome:
            case FormErrors():
                return {
                    "response_action": "errors",
                    "errors": modal_errors(outcome.errors, where.block_ids),
                }
            case Form():
                return {"response_action": "update", "view": self._modal(outcome, where)}
            case Reply():
                if where.later is None:
                    raise ValueError("a modal's reply needs a way to post after the ack")
                where.later(self._reply(outcome, where))
        return {}

    async def _after_modal(self, outcome: Outcome, where: Where) -> None:
        """The modal is gone: errors and replies arrive as messages. A next page cannot be
        shown without a fresh trigger, so it is logged and dropped."""
        if isinstance(outcome, Form):
            log.warning("slack: form %s came after its modal closed; not shown", outcome.form_id)
            return
        await self._answer(outcome, where)

    async def _reply(self, answer: Reply, where: Where) -> None:
        if answer.visibility is Visibility.CHANNEL:
            await self.routes.public(where.conversation, where.user, answer, where.response_url)
        else:
            await self._private(answer, where)

    async def _private(self, answer: Reply, where: Where) -> None:
        await self.routes.private(where.conversation, where.user, answer, where.response_url)

    async def _open_form(self, form: Form, where: Where) -> None:
        """A modal when Slack gave a trigger; otherwise a button that opens it."""
        try:
            view = self._modal(form, where)
        except MetadataTooLarge as error:
            log.error("cannot open form: %s", error)
            await self._private(say(TOO_LARGE), where)
            return
        if not where.trigger_id:
            await self._private(
                await self._offer(form, view), Where(where.conversation, where.user)
            )
            return
        await self._open_view(where.trigger_id, view, where)

    async def _open_view(self, trigger_id: str, view: dict[str, Any], where: Where) -> None:
        if not await self.routes.open_view(trigger_id, view):
            await self._private(say(NOT_OPENED), where)

    def _modal(self, form: Form, where: Where) -> dict[str, Any]:
        return modal(form, private_metadata(form, where.conversation, where.user, self.key))

    async def _offer(self, form: Form, view: dict[str, Any]) -> Reply:
        """DMs and mentions carry no trigger_id: a button click brings one. The modal is
        stored, so whichever replica receives the click can open it."""
        token = await self.routes.offer(view)
        label = form.title or "Open the form"
        return reply(
            text(f"{label}: press the button to fill it in."),
            buttons(Button("Open form", OPEN_FORM_ACTION, token, ButtonStyle.PRIMARY)),
        )
