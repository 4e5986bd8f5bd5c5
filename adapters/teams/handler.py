"""The Teams bot: activities in, core events to `AlignBot.handle`, cards out.

Teams has no slash commands, so every message is handed to the core as a `Message` and parsed
by the same router as Slack's commands. Cards use Action.Submit (a message whose `value` holds
our payload); Action.Execute (`adaptiveCard/action` invokes) is understood as well.

Known gap: Teams bots cannot post a message only one person sees in a channel (Slack's
ephemeral). A PRIVATE reply is therefore posted in the same conversation, in the thread of the
message it answers; forms likewise appear as cards in the conversation (no modal), and a
refused form is re-shown in place on the card that was submitted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import Activity, ActivityTypes
from msrest.serialization import Model

from adapters.teams import cards
from adapters.teams.inbound import (
    PLATFORM,
    actor_of,
    card_event,
    conversation_of,
    form_spec,
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
from bot.app import AlignBot
from bot.events import Event, Message, Submission
from bot.replies import (
    Code,
    Form,
    FormErrors,
    Heading,
    InputKind,
    Outcome,
    Reply,
    reply,
    say,
    text,
)
from storage.repositories import people, teams_refs

log = logging.getLogger(__name__)

MAX_MEMBER_LOOKUPS = 10
INVOKE_CARD = "application/vnd.microsoft.card.adaptive"
INVOKE_MESSAGE = "application/vnd.microsoft.activity.message"
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
    """Where a turn's answer goes: a reply in the conversation, or onto the card used."""

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
        """Sends the reply as one card, or several when it is too big for one."""
        ids = [await self.send(card, answer.fallback) for card in cards.reply_cards(answer)]
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
    """Translates each activity and delivers the core's outcome as cards."""

    def __init__(self, bot: AlignBot, policy: RetryPolicy | None = None) -> None:
        super().__init__()
        self.bot = bot
        self.policy = policy or RetryPolicy()

    async def on_turn(self, turn_context: TurnContext) -> None:
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

    # Messages and Action.Submit -----------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        delivery = _Delivery(turn_context, Outbox.of(turn_context, self.policy))
        if is_card_payload(activity.value):
            delivery.card_id = activity.reply_to_id
            await self._card_used(activity, activity.value, delivery)
            return
        known = await self._known_ids(turn_context)
        event = Message(
            message_text(activity, known), actor_of(activity), conversation_of(activity)
        )
        await self._deliver(event, await self.bot.handle(event), delivery)

    async def _card_used(
        self, activity: Activity, payload: dict[str, Any], delivery: _Delivery
    ) -> None:
        event = card_event(activity, payload)
        outcome = await self.bot.handle(event)
        await self._deliver(event, outcome, delivery, payload)

    async def _deliver(
        self,
        event: Event,
        outcome: Outcome,
        delivery: _Delivery,
        payload: dict[str, Any] | None = None,
    ) -> None:
        form = _submitted_form(payload)
        if isinstance(outcome, FormErrors):
            await self._refuse(event, outcome, delivery, form)
            return
        if isinstance(event, Submission) and form is not None:
            await delivery.replace(cards.submitted_card(form, event.actor.label), form.title)
        match outcome:
            case None:
                return
            case Reply() if outcome.replace_original:
                await delivery.replace_with(outcome)
            case Reply():
                await delivery.send_reply(outcome)
            case Form():
                card = await self._form_card(outcome, event.actor.workspace_id)
                await delivery.send(card, outcome.title)

    async def _refuse(
        self, event: Event, refused: FormErrors, delivery: _Delivery, form: Form | None
    ) -> None:
        """The form again, in place, with each message beside its input and values kept."""
        if form is None or not isinstance(event, Submission):
            lines = "; ".join(refused.errors.values()) or "Please check your answers."
            await delivery.send_reply(say(lines))
            return
        card = await self._form_card(form, event.actor.workspace_id, refused.errors, event)
        await delivery.replace(card, form.title)

    async def _form_card(
        self,
        form: Form,
        workspace_id: str,
        errors: dict[str, str] | None = None,
        submission: Submission | None = None,
    ) -> dict[str, Any]:
        values = dict(submission.values) if submission else None
        chosen: set[str] = set()
        for item in form.inputs:
            if item.kind is InputKind.USERS:
                source = values.get(item.name) if values else item.initial
                chosen.update([source] if isinstance(source, str) else list(source or ()))
        async with self.bot.ctx.db.transaction() as session:
            names = await people.names(session, workspace_id, chosen)
        return cards.form_card(form, errors=errors, values=values, names=names)

    # Action.Execute ---------------------------------------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Action.Execute is answered here: botbuilder 4.17's own adaptive card path serialises
        its response twice under CloudAdapter and fails, so we build the response ourselves."""
        if turn_context.activity.name != "adaptiveCard/action":
            return await super().on_invoke_activity(turn_context)
        body = await self._execute(turn_context)
        return InvokeResponse(status=200, body=body)

    async def _execute(self, turn_context: TurnContext) -> InvokeBody:
        activity = turn_context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action")
        payload = action.get("data") if isinstance(action, dict) else None
        if not isinstance(payload, dict) or not is_card_payload(payload):
            return InvokeBody.message("That card is not one of mine.", status=400)
        event = card_event(activity, payload)
        outcome = await self.bot.handle(event)
        form = _submitted_form(payload)
        delivery = _Delivery(turn_context, Outbox.of(turn_context, self.policy))
        if isinstance(outcome, FormErrors) and form is not None and isinstance(event, Submission):
            card = await self._form_card(form, event.actor.workspace_id, outcome.errors, event)
            return InvokeBody.card(card)
        if isinstance(outcome, Form):
            return InvokeBody.card(await self._form_card(outcome, event.actor.workspace_id))
        if isinstance(outcome, Reply) and outcome.replace_original:
            return InvokeBody.card(cards.single_card(outcome))
        if isinstance(outcome, Reply):
            await delivery.send_reply(outcome)
        if isinstance(outcome, FormErrors):
            return InvokeBody.message("; ".join(outcome.errors.values()))
        if isinstance(event, Submission) and form is not None:
            return InvokeBody.card(cards.submitted_card(form, event.actor.label))
        return InvokeBody.message(outcome.fallback if isinstance(outcome, Reply) else "Done.")

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
            delivery = _Delivery(turn_context, Outbox.of(turn_context, self.policy))
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


def _submitted_form(payload: dict[str, Any] | None) -> Form | None:
    spec = form_spec(payload) if payload else None
    if spec is None:
        return None
    try:
        return cards.form_from_data(spec)
    except (KeyError, TypeError, ValueError):
        log.warning("a Teams form card came back with an unreadable form copy; ignoring it")
        return None


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
