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
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.schema import (
    Activity,
    ActivityTypes,
)
from botbuilder.schema.teams import TaskModuleRequest, TaskModuleResponse
from msrest.serialization import Model

from adapters.teams import extension, formrefs
from adapters.teams.connector import reference_to_json
from adapters.teams.dialogs import Dialogs, message
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
from adapters.teams.render import InvokeBody, Surface, TeamsRenderer, Where
from adapters.teams.retry import RetryPolicy, with_retries
from adapters.teams.welcome import welcome
from bot import logs
from bot.app import AlignBot
from bot.events import Message
from storage.repositories import people, teams_refs

log = logging.getLogger(__name__)

MAX_MEMBER_LOOKUPS = 10
TASK_FETCH = "task/fetch"
TASK_SUBMIT = "task/submit"
EXECUTE = "adaptiveCard/action"
ALREADY_DONE = "That was already done; nothing was changed."


class AlignBotTeams(TeamsActivityHandler):  # type: ignore[misc]
    """Translates each activity and delivers the core's outcome as cards and dialogs."""

    def __init__(self, bot: AlignBot, policy: RetryPolicy | None = None) -> None:
        super().__init__()
        self.bot = bot
        self.dialogs = Dialogs(bot.ctx.db, bot.ctx.clock, self._names)
        self.renderer = TeamsRenderer(self.dialogs, policy or RetryPolicy(), bot.metrics)

    @property
    def policy(self) -> RetryPolicy:
        return self.renderer.policy

    @policy.setter
    def policy(self, policy: RetryPolicy) -> None:
        self.renderer.policy = policy

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
            await _answer_redelivered_invoke(turn_context)
            return
        await super().on_turn(turn_context)
        await self.bot.inbox.finish(key)

    # Messages and Action.Submit -----------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if is_card_payload(activity.value):
            used = card_event(activity, activity.value)
            where = Where(turn_context, card_id=activity.reply_to_id)
            await self.renderer.render(await self.bot.handle(used), where, Surface.CONVERSATION)
            return
        known = await self._known_ids(turn_context)
        said = Message(message_text(activity, known), actor_of(activity), conversation_of(activity))
        outcome = await self.bot.handle(said)
        await self.renderer.render(outcome, Where(turn_context), Surface.CONVERSATION)

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
        if name == EXECUTE:
            return InvokeResponse(status=200, body=await self._execute(turn_context))
        if name == extension.FETCH_TASK:
            return InvokeResponse(status=200, body=await self._message_action(turn_context))
        if name == extension.SUBMIT_ACTION:
            data = extension.submitted_data(turn_context.activity)
            return InvokeResponse(status=200, body=await self._submit(turn_context, data))
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
        outcome = await self.bot.handle(card_event(activity, data))
        where = Where(turn_context, card_id=activity.reply_to_id)
        return await self.renderer.render(outcome, where, Surface.DIALOG)

    async def on_teams_task_module_submit(
        self, turn_context: TurnContext, task_module_request: TaskModuleRequest
    ) -> TaskModuleResponse:
        """A dialog page was submitted: the next page, errors in the dialog, or the answer."""
        return await self._submit(turn_context, _data(task_module_request))

    async def _submit(self, turn_context: TurnContext, data: dict[str, Any]) -> TaskModuleResponse:
        activity = turn_context.activity
        step = await self.dialogs.submit(data, actor_of(activity), conversation_of(activity))
        if isinstance(step, TaskModuleResponse):
            return step
        outcome = await self.bot.handle(step.submission)
        where = Where(
            turn_context, card_id=activity.reply_to_id, title=step.form.title, filled=step
        )
        return await self.renderer.render(outcome, where, Surface.DIALOG)

    async def _message_action(self, turn_context: TurnContext) -> TaskModuleResponse:
        """A message extension command from a message's menu: the feature's form, as a
        dialog (its submission comes back as `composeExtension/submitAction`)."""
        action = extension.message_action(turn_context.activity)
        if action is None:
            return message("That action is not one of mine.")
        outcome = await self.bot.handle(action)
        return await self.renderer.render(outcome, Where(turn_context), Surface.DIALOG)

    async def _execute(self, turn_context: TurnContext) -> InvokeBody:
        activity = turn_context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action")
        payload = action.get("data") if isinstance(action, dict) else None
        if not isinstance(payload, dict) or not is_card_payload(payload):
            return InvokeBody.message("That card is not one of mine.", status=400)
        outcome = await self.bot.handle(card_event(activity, payload))
        return await self.renderer.render(outcome, Where(turn_context), Surface.EXECUTE)

    # Installation and references ------------------------------------------------------------

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        """References are stored by `on_turn`; here we only greet where we were just added.

        botbuilder's default would look every added member up through the connector; we
        need nothing from them beyond what the activity already says.
        """
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if bot_id in {member.id for member in activity.members_added or []}:
            await self._welcome(turn_context)

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        if turn_context.activity.action == "add":  # not "add-upgrade": a new version
            await self._welcome(turn_context)

    async def _welcome(self, turn_context: TurnContext) -> None:
        """Once per conversation on any replica: Teams sends both a conversationUpdate and an
        installationUpdate for one install, and redelivers either when we answer slowly."""
        activity = turn_context.activity
        base, _ = split_conversation_id(activity.conversation.id)
        key = f"teams-welcome:{base}"
        if await self.bot.inbox.admit(key, PLATFORM, "welcome") is None:
            return
        greeting = welcome(self.bot.features, in_channel=not is_personal(activity))
        await self.renderer.render(greeting, Where(turn_context), Surface.CONVERSATION)
        await self.bot.inbox.finish(key)

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
    """A message, card action, dialog step or message-extension submission is handled once on
    any replica (same activity id): the channel may resend when an answer was slow, and a vote
    must not count twice. A turn that died unfinished is taken over by a redelivery once its
    inbox lease ran out. Opening a form offered earlier, or a message extension's form
    (`composeExtension/fetchTask`), only reads, so it is shown again rather than refused."""
    if not activity.id:
        return None
    if activity.type == ActivityTypes.invoke:
        if activity.name not in (TASK_FETCH, TASK_SUBMIT, EXECUTE, extension.SUBMIT_ACTION):
            return None
        data = _data(TaskModuleRequest().deserialize(activity.value or {}))
        if activity.name == TASK_FETCH and formrefs.decode(data) is not None:
            return None
    elif activity.type != ActivityTypes.message:
        return None
    return f"teams:{activity.conversation.id}|{activity.id}"


async def _answer_redelivered_invoke(turn_context: TurnContext) -> None:
    """An invoke must be answered even when its first delivery already did the work."""
    activity = turn_context.activity
    if activity.type != ActivityTypes.invoke:
        return
    body: Model = (
        InvokeBody.message(ALREADY_DONE) if activity.name == EXECUTE else message(ALREADY_DONE)
    )
    response = InvokeResponse(status=200, body=body)
    await turn_context.send_activity(Activity(type=ActivityTypes.invoke_response, value=response))


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
