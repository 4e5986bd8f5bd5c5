"""The Teams bot: activities in, core events to `AlignBot.handle`, cards out.

Teams has no slash commands, so every message is handed to the core as a `Message` and parsed
by the same router as Slack's commands. Buttons use Action.Submit (a message whose `value` holds
our payload); Action.Execute (`adaptiveCard/action` invokes) is understood as well.

Forms are Teams dialogs (`dialogs`): a button that opens a form opens a dialog directly; a form
asked for in a message is offered as a card whose button opens the dialog. A PRIVATE reply goes
to the person alone: the dialog's result when it answers one, else their 1:1 chat with the bot
(opened through the connector when needed), never the shared conversation.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
)
from botbuilder.schema.teams import TaskModuleRequest, TaskModuleResponse
from msrest.serialization import Model

from adapters.teams import cards, formrefs
from adapters.teams.dialogs import Dialogs, continue_with, message
from adapters.teams.inbound import (
    PLATFORM,
    actor_of,
    card_event,
    conversation_of,
    is_card_payload,
    is_personal,
    mentioned_teams_ids,
    message_text,
    split_conversation_id,
    tenant_of,
    user_id_of,
)
from adapters.teams.outbox import Outbox, addressed, card_activity, reference_to_json
from adapters.teams.retry import RetryPolicy, with_retries
from bot import logs
from bot.app import AlignBot
from bot.events import Actor, Message
from bot.replies import (
    Code,
    Form,
    FormErrors,
    Heading,
    Outcome,
    Reply,
    Visibility,
    reply,
    say,
    text,
)
from storage.repositories import people, teams_refs

log = logging.getLogger(__name__)

MAX_MEMBER_LOOKUPS = 10
INVOKE_CARD = "application/vnd.microsoft.card.adaptive"
INVOKE_MESSAGE = "application/vnd.microsoft.activity.message"
TASK_FETCH = "task/fetch"
TASK_SUBMIT = "task/submit"
POSTED = "Done: my answer is in the conversation."
WELCOME = reply(
    Heading("Hi, I'm alignbot"),
    text(
        "I keep product owners, designers, researchers and stakeholders aligned. Write ",
        Code("help"),
        " to see everything I can do, e.g. ",
        Code("who owns the roadmap?"),
        ".",
    ),
)


@dataclass
class _Delivery:
    """Where a turn's answer goes: the conversation, the person alone, or the card used."""

    turn: TurnContext
    outbox: Outbox
    card_id: str | None = None

    async def send(self, card: dict[str, Any], summary: str) -> str:
        activity = self.turn.activity
        reference = TurnContext.get_conversation_reference(activity)
        message = addressed(card_activity(card, summary), reference)
        if activity.type == ActivityTypes.message and activity.id:
            return await self.outbox.reply(activity.conversation.id, activity.id, message)
        return await self.outbox.post(activity.conversation.id, message)

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
        conversation_id = await self.outbox.open_direct(parameters)
        direct = TurnContext.get_conversation_reference(activity)
        direct.conversation = ConversationAccount(
            id=conversation_id, conversation_type="personal", is_group=False, tenant_id=tenant
        )
        ids = [
            await self.outbox.post(
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
        await self.outbox.update(activity.conversation.id, self.card_id, message)


class AlignBotTeams(TeamsActivityHandler):  # type: ignore[misc]
    """Translates each activity and delivers the core's outcome as cards and dialogs."""

    def __init__(self, bot: AlignBot, policy: RetryPolicy | None = None) -> None:
        super().__init__()
        self.bot = bot
        self.policy = policy or RetryPolicy()
        self.dialogs = Dialogs(bot.ctx.db, bot.ctx.clock, self._names)

    async def on_turn(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        logs.bind(workspace=tenant_of(activity) or "-", event_id=activity.id or "-")
        await self._remember(turn_context)
        key = _delivery_key(turn_context.activity)
        if key is None:
            await super().on_turn(turn_context)
            return
        if await self.bot.inbox.admit(key, PLATFORM, "activity") is None:
            log.info("Teams redelivered activity %s; already handled", turn_context.activity.id)
            return
        await super().on_turn(turn_context)
        await self.bot.inbox.finish(key)

    def _delivery(self, turn_context: TurnContext) -> _Delivery:
        return _Delivery(turn_context, Outbox.of(turn_context, self.policy, self.bot.metrics))

    # Messages and Action.Submit -----------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        delivery = self._delivery(turn_context)
        if is_card_payload(activity.value):
            delivery.card_id = activity.reply_to_id
            used = card_event(activity, activity.value)
            await self._deliver(used.actor, await self.bot.handle(used), delivery)
            return
        known = await self._known_ids(turn_context)
        said = Message(message_text(activity, known), actor_of(activity), conversation_of(activity))
        await self._deliver(said.actor, await self.bot.handle(said), delivery)

    async def _deliver(self, actor: Actor, outcome: Outcome, delivery: _Delivery) -> None:
        match outcome:
            case None:
                return
            case Reply() if outcome.replace_original:
                await delivery.replace_with(outcome)
            case Reply():
                await delivery.send_reply(outcome)
            case Form():
                await delivery.send(await self._launcher(outcome, actor), outcome.title)
            case FormErrors():
                lines = "; ".join(outcome.errors.values()) or "Please check your answers."
                await delivery.send_reply(say(lines))

    async def _launcher(self, form: Form, actor: Actor) -> dict[str, Any]:
        """A card whose button opens `form` in a dialog (kept on the server for `actor`)."""
        token = await self.dialogs.offer(form, actor)
        return cards.launcher_card(form, formrefs.encode(token))

    async def _names(self, workspace_id: str, user_ids: Iterable[str]) -> Mapping[str, str]:
        async with self.bot.ctx.db.transaction() as session:
            return await people.names(session, workspace_id, set(user_ids))

    # Invokes: dialogs (task modules) and Action.Execute ---------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Dialogs and Action.Execute are answered here with our own invoke response:
        botbuilder 4.17's own paths serialise the response twice under CloudAdapter and fail."""
        name = turn_context.activity.name
        if name in (TASK_FETCH, TASK_SUBMIT):
            request = TaskModuleRequest().deserialize(turn_context.activity.value or {})
            answer = (
                self.on_teams_task_module_fetch
                if name == TASK_FETCH
                else self.on_teams_task_module_submit
            )
            return InvokeResponse(status=200, body=await answer(turn_context, request))
        if name == "adaptiveCard/action":
            return InvokeResponse(status=200, body=await self._execute(turn_context))
        return await super().on_invoke_activity(turn_context)

    async def on_teams_task_module_fetch(
        self, turn_context: TurnContext, task_module_request: TaskModuleRequest
    ) -> TaskModuleResponse:
        """A dialog opens: a form offered earlier, or a button whose action answers a form."""
        activity = turn_context.activity
        data = _data(task_module_request)
        if formrefs.decode(data) is not None:
            return await self.dialogs.fetch(data, actor_of(activity))
        if not is_card_payload(data):
            return message("That button is not one of mine.")
        event = card_event(activity, data)
        return await self._in_dialog(turn_context, await self.bot.handle(event), "alignbot")

    async def on_teams_task_module_submit(
        self, turn_context: TurnContext, task_module_request: TaskModuleRequest
    ) -> TaskModuleResponse:
        """A dialog page was submitted: the next page, errors in the dialog, or the answer."""
        activity = turn_context.activity
        actor = actor_of(activity)
        data = _data(task_module_request)
        step = await self.dialogs.submit(data, actor, conversation_of(activity))
        if isinstance(step, TaskModuleResponse):
            return step
        outcome = await self.bot.handle(step.submission)
        if isinstance(outcome, FormErrors):
            return await self.dialogs.refused(step, outcome.errors, actor)
        return await self._in_dialog(turn_context, outcome, step.form.title)

    async def _in_dialog(
        self, turn_context: TurnContext, outcome: Outcome, title: str
    ) -> TaskModuleResponse:
        """The core's answer from inside a dialog: a form stays in the dialog; a private reply
        is the dialog's result; anything for the conversation is posted there."""
        actor = actor_of(turn_context.activity)
        delivery = self._delivery(turn_context)
        delivery.card_id = turn_context.activity.reply_to_id
        match outcome:
            case Form():
                return await self.dialogs.open(outcome, actor)
            case Reply() if (
                outcome.visibility is Visibility.PRIVATE and not outcome.replace_original
            ):
                return continue_with(title, cards.single_card(outcome))
            case Reply():
                await self._deliver(actor, outcome, delivery)
                return message(POSTED)
            case FormErrors():
                return message("; ".join(outcome.errors.values()) or "Please check your answers.")
        return message("Done.")

    async def _execute(self, turn_context: TurnContext) -> InvokeBody:
        activity = turn_context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action")
        payload = action.get("data") if isinstance(action, dict) else None
        if not isinstance(payload, dict) or not is_card_payload(payload):
            return InvokeBody.message("That card is not one of mine.", status=400)
        event = card_event(activity, payload)
        outcome = await self.bot.handle(event)
        if isinstance(outcome, Form):
            return InvokeBody.card(await self._launcher(outcome, event.actor))
        if isinstance(outcome, Reply) and outcome.replace_original:
            return InvokeBody.card(cards.single_card(outcome))
        if isinstance(outcome, Reply):
            await self._delivery(turn_context).send_reply(outcome)
            return InvokeBody.message(outcome.fallback)
        if isinstance(outcome, FormErrors):
            return InvokeBody.message("; ".join(outcome.errors.values()))
        return InvokeBody.message("Done.")

    # Installation and references ------------------------------------------------------------

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        """References are stored by `on_turn`; here we only greet a new 1:1 chat.

        botbuilder's default would look every added member up through the connector; we
        need nothing from them beyond what the activity already says.
        """
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        added = {member.id for member in activity.members_added or []}
        if bot_id in added and is_personal(activity):
            delivery = self._delivery(turn_context)
            await delivery.send_reply(WELCOME)

    async def _remember(self, turn_context: TurnContext) -> None:
        """Stores how to reach this conversation and the people in it, on every activity."""
        activity = turn_context.activity
        if not activity.conversation or not activity.service_url or not activity.from_property:
            return
        seen = _seen(activity)
        if not seen:
            return
        async with self.bot.ctx.db.transaction() as session:
            for item in seen:
                await teams_refs.remember(session, item, self.bot.ctx.clock.now())

    async def _known_ids(self, turn_context: TurnContext) -> dict[str, str]:
        """AAD ids for people mentioned by their Teams id only: from people seen before, else
        asked of the connector (one member lookup each, at most MAX_MEMBER_LOOKUPS)."""
        activity = turn_context.activity
        wanted = mentioned_teams_ids(activity)
        if not wanted:
            return {}
        async with self.bot.ctx.db.transaction() as session:
            known = await teams_refs.user_ids_by_teams_id(session, tenant_of(activity), wanted)
        for teams_id in sorted(wanted - known.keys())[:MAX_MEMBER_LOOKUPS]:
            aad_id = await self._member_aad_id(turn_context, teams_id)
            if aad_id:
                known[teams_id] = aad_id
        return known

    async def _member_aad_id(self, turn_context: TurnContext, teams_id: str) -> str | None:
        try:
            member = await with_retries(
                lambda: TeamsInfo.get_member(turn_context, teams_id),
                self.policy,
                what="member lookup",
                metrics=self.bot.metrics,
            )
        except Exception as error:  # a guest, someone who left, no permission: keep the id
            log.info("no AAD id for mentioned Teams member %s: %s", teams_id, error)
            return None
        aad_id = getattr(member, "aad_object_id", None)
        return str(aad_id) if aad_id else None


def _delivery_key(activity: Activity) -> str | None:
    """A message or card action is handled once on any replica (same activity id): the channel
    may resend when an answer was slow, and a vote must not count twice. A turn that died
    unfinished is taken over by a redelivery once its inbox lease ran out."""
    if activity.type != ActivityTypes.message or not activity.id:
        return None
    return f"teams:{activity.conversation.id}|{activity.id}"


def _private(answer: Reply) -> bool:
    return answer.visibility is Visibility.PRIVATE and not answer.replace_original


def _data(request: TaskModuleRequest) -> dict[str, Any]:
    """The card data (and inputs) a `task/fetch` or `task/submit` invoke carries."""
    data = request.data
    return data if isinstance(data, dict) else {}


def _seen(activity: Activity) -> list[teams_refs.Seen]:
    workspace_id = tenant_of(activity)
    base, _ = split_conversation_id(activity.conversation.id)
    reference = TurnContext.get_conversation_reference(activity)
    reference.activity_id = None
    reference.conversation.id = base
    sender = activity.from_property
    bot_id = activity.recipient.id if activity.recipient else None
    is_bot = sender.id == bot_id
    seen: list[teams_refs.Seen] = []
    common = {
        "workspace_id": workspace_id,
        "conversation_id": base,
        "service_url": activity.service_url,
    }
    if is_personal(activity):
        if not is_bot:
            user_id = user_id_of(sender)
            seen.append(
                teams_refs.Seen(
                    kind=teams_refs.PERSONAL,
                    subject_id=user_id,
                    reference=reference_to_json(reference),
                    user_id=user_id,
                    teams_user_id=sender.id,
                    **common,
                )
            )
        return seen
    seen.append(
        teams_refs.Seen(
            kind=teams_refs.CHANNEL,
            subject_id=base,
            reference=reference_to_json(reference),
            **common,
        )
    )
    people_here = [] if is_bot else [sender]
    people_here += [m for m in activity.members_added or [] if m.id != bot_id]
    for person in people_here:
        personal = TurnContext.get_conversation_reference(activity)
        personal.activity_id = None
        personal.conversation.id = base
        personal.user = person
        user_id = user_id_of(person)
        seen.append(
            teams_refs.Seen(
                kind=teams_refs.MEMBER,
                subject_id=user_id,
                reference=reference_to_json(personal),
                user_id=user_id,
                teams_user_id=person.id,
                **common,
            )
        )
    return seen


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
