"""The one place a core `Outcome` becomes Teams calls: cards, dialogs and invoke answers.

Every Teams turn hands its outcome to `TeamsRenderer.render` with the surface it came from:
a message or Action.Submit is answered in the conversation, a dialog invoke (`task/fetch`,
`task/submit`) with a `TaskModuleResponse`, an Action.Execute with a Universal Actions body.
A PRIVATE reply goes to the person alone: the dialog's result when it answers one, else their
1:1 chat with the bot (opened through the connector when needed), never the shared conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, overload

from botbuilder.core import TurnContext
from botbuilder.schema import (
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
)
from botbuilder.schema.teams import TaskModuleResponse
from msrest.serialization import Model

from adapters.teams import cards, formrefs
from adapters.teams.connector import RetryingConnector, addressed, card_activity
from adapters.teams.dialogs import Dialogs, Filled, continue_with, message
from adapters.teams.inbound import actor_of, is_personal, tenant_of
from adapters.teams.retry import RetryPolicy
from bot.metrics import Metrics
from bot.replies import Form, FormErrors, Outcome, Reply, Visibility, say

INVOKE_CARD = "application/vnd.microsoft.card.adaptive"
INVOKE_MESSAGE = "application/vnd.microsoft.activity.message"
POSTED = "Done: my answer is in the conversation."
CHECK_ANSWERS = "Please check your answers."


class Surface(StrEnum):
    """Where the turn that produced an outcome expects its answer."""

    CONVERSATION = "conversation"  # a message, Action.Submit or install: cards in the chat
    DIALOG = "dialog"  # task/fetch or task/submit: the invoke's TaskModuleResponse
    EXECUTE = "execute"  # adaptiveCard/action: the invoke's Universal Actions body


@dataclass(frozen=True)
class Where:
    """The turn an outcome answers. `card_id` is the card whose button was used (updated by a
    `replace_original` reply); `filled` the dialog submission the outcome answers, if any."""

    turn: TurnContext
    card_id: str | None = None
    title: str = "alignbot"
    filled: Filled | None = None


class InvokeBody(Model):
    """The Universal Actions response body (`statusCode`, `type`, `value`)."""

    _attribute_map = {  # noqa: RUF012 (msrest reads this class attribute)
        "status_code": {"key": "statusCode", "type": "int"},
        "type": {"key": "type", "type": "str"},
        "value": {"key": "value", "type": "object"},
    }

    def __init__(self, status_code: int, type: str, value: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.status_code = status_code
        self.type = type
        self.value = value

    @classmethod
    def card(cls, card: dict[str, Any]) -> InvokeBody:
        return cls(200, INVOKE_CARD, card)

    @classmethod
    def message(cls, message: str, status: int = 200) -> InvokeBody:
        return cls(status, INVOKE_MESSAGE, message)


class TeamsRenderer:
    """Turns the core's outcomes into Teams calls; the Teams half of "translator + renderer"."""

    def __init__(self, dialogs: Dialogs, policy: RetryPolicy, metrics: Metrics) -> None:
        self.dialogs = dialogs
        self.policy = policy
        self.metrics = metrics

    @overload
    async def render(
        self, outcome: Outcome, where: Where, surface: Literal[Surface.CONVERSATION]
    ) -> None: ...

    @overload
    async def render(
        self, outcome: Outcome, where: Where, surface: Literal[Surface.DIALOG]
    ) -> TaskModuleResponse: ...

    @overload
    async def render(
        self, outcome: Outcome, where: Where, surface: Literal[Surface.EXECUTE]
    ) -> InvokeBody: ...

    async def render(
        self, outcome: Outcome, where: Where, surface: Surface
    ) -> TaskModuleResponse | InvokeBody | None:
        """Sends what `outcome` asks for; for an invoke, returns the invoke's answer."""
        match surface:
            case Surface.CONVERSATION:
                await self._in_conversation(outcome, where)
                return None
            case Surface.DIALOG:
                return await self._in_dialog(outcome, where)
            case Surface.EXECUTE:
                return await self._executed(outcome, where)

    async def _in_conversation(self, outcome: Outcome, where: Where) -> None:
        sender = self._sender(where)
        match outcome:
            case None:
                return
            case Reply() if outcome.replace_original:
                await sender.replace_with(outcome)
            case Reply():
                await sender.send_reply(outcome)
            case Form():
                await sender.send(await self._launcher(outcome, where), outcome.title)
            case FormErrors():
                await sender.send_reply(say(_errors_line(outcome)))

    async def _in_dialog(self, outcome: Outcome, where: Where) -> TaskModuleResponse:
        """A form stays in the dialog; a private reply is the dialog's result; anything for
        the conversation is posted there. A refused submission shows the form again."""
        match outcome:
            case Form():
                return await self.dialogs.open(outcome, actor_of(where.turn.activity))
            case FormErrors() if where.filled is not None:
                actor = actor_of(where.turn.activity)
                return await self.dialogs.refused(where.filled, outcome.errors, actor)
            case Reply() if (
                outcome.visibility is Visibility.PRIVATE and not outcome.replace_original
            ):
                return continue_with(where.title, cards.single_card(outcome))
            case Reply():
                await self._in_conversation(outcome, where)
                return message(POSTED)
            case FormErrors():
                return message(_errors_line(outcome))
        return message("Done.")

    async def _executed(self, outcome: Outcome, where: Where) -> InvokeBody:
        """Action.Execute: a card replaces the one used; other replies are sent as messages."""
        match outcome:
            case Form():
                return InvokeBody.card(await self._launcher(outcome, where))
            case Reply() if outcome.replace_original:
                return InvokeBody.card(cards.single_card(outcome))
            case Reply():
                await self._sender(where).send_reply(outcome)
                return InvokeBody.message(outcome.fallback)
            case FormErrors():
                return InvokeBody.message("; ".join(outcome.errors.values()))
        return InvokeBody.message("Done.")

    async def _launcher(self, form: Form, where: Where) -> dict[str, Any]:
        """A card whose button opens `form` in a dialog (kept on the server for its asker)."""
        token = await self.dialogs.offer(form, actor_of(where.turn.activity))
        return cards.launcher_card(form, formrefs.encode(token))

    def _sender(self, where: Where) -> _Sender:
        connector = RetryingConnector.of(where.turn, self.policy, self.metrics)
        return _Sender(where.turn, connector, where.card_id)


def _errors_line(outcome: FormErrors) -> str:
    return "; ".join(outcome.errors.values()) or CHECK_ANSWERS


@dataclass
class _Sender:
    """Where a turn's cards go: the conversation, the person alone, or the card used."""

    turn: TurnContext
    connector: RetryingConnector
    card_id: str | None = None

    async def send(self, card: dict[str, Any], summary: str) -> str:
        activity = self.turn.activity
        reference = TurnContext.get_conversation_reference(activity)
        message = addressed(card_activity(card, summary), reference)
        if activity.type == ActivityTypes.message and activity.id:
            return await self.connector.reply(activity.conversation.id, activity.id, message)
        return await self.connector.post(activity.conversation.id, message)

    async def send_reply(self, answer: Reply) -> str:
        """A PRIVATE reply to the person alone; a CHANNEL reply in the conversation, as one
        card or several when it is too big for one."""
        if answer.visibility is Visibility.PRIVATE and not is_personal(self.turn.activity):
            return await self.send_private(answer)
        ids = [await self.send(card, answer.fallback) for card in cards.reply_cards(answer)]
        return ids[0]

    async def send_private(self, answer: Reply) -> str:
        """Into the person's 1:1 chat with the bot: created (or found: the connector answers
        the same id again) with the connector's create-conversation, in their tenant."""
        activity = self.turn.activity
        tenant = tenant_of(activity)
        parameters = ConversationParameters(
            is_group=False,
            bot=activity.recipient,
            members=[ChannelAccount(id=activity.from_property.id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}},
        )
        conversation_id = await self.connector.open_direct(parameters)
        direct = TurnContext.get_conversation_reference(activity)
        direct.conversation = ConversationAccount(
            id=conversation_id, conversation_type="personal", is_group=False, tenant_id=tenant
        )
        ids = [
            await self.connector.post(
                conversation_id, addressed(card_activity(card, answer.fallback), direct)
            )
            for card in cards.reply_cards(answer)
        ]
        return ids[0]

    async def replace_with(self, answer: Reply) -> None:
        first, *rest = cards.reply_cards(answer)
        await self.replace(first, answer.fallback)
        for card in rest:
            await self.send(card, answer.fallback)

    async def replace(self, card: dict[str, Any], summary: str) -> None:
        """Updates the card the person used; without one, sends the card instead."""
        if not self.card_id:
            await self.send(card, summary)
            return
        activity = self.turn.activity
        reference = TurnContext.get_conversation_reference(activity)
        message = addressed(card_activity(card, summary), reference)
        await self.connector.update(activity.conversation.id, self.card_id, message)
