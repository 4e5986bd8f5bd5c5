"""A card introducing alignbot to a channel: the commands someone picked, posted through the
outbox, and kept current when an upgrade changes them (once across replicas).

The picked command names are the delivery's subject, so a resumed post and every later edit
render the card again from them: no table of its own.
"""

from __future__ import annotations

import hashlib
import json
import logging

from bot import deliveries
from bot.claims import run_once
from bot.context import Context
from bot.errors import UserError
from bot.events import Conversation, Submission
from bot.feature import CommandSpec, Tick
from bot.replies import (
    Code,
    Form,
    FormErrors,
    Heading,
    Input,
    InputKind,
    Option,
    Outcome,
    Reply,
    Span,
    reply,
    say,
    small_print,
    text,
)
from storage.models.deliveries import Delivery

log = logging.getLogger(__name__)

INTRO_FORM = "about.introduce"
MAX_PICKS = 6
MAX_SUBJECT = 128  # what a delivery's subject holds: the picked names, comma-separated
MAX_ID = 128


def form(ctx: Context, where: Conversation) -> Form:
    options = tuple(Option(f"{s.typed}: {s.summary}"[:75], s.name) for s in _introducible(ctx))
    return Form(
        form_id=INTRO_FORM,
        title="Introduce alignbot",
        submit_label="Post the card",
        metadata=json.dumps({"c": where.channel_id, "t": where.thread_id}),
        intro=("The channel gets a card with the commands you pick and how to use them.",),
        inputs=(
            Input(
                "commands",
                f"Commands to introduce (up to {MAX_PICKS})",
                InputKind.MULTI_SELECT,
                options=options,
                initial=tuple(o.value for o in options[:MAX_PICKS]),
            ),
        ),
    )


async def submitted(submission: Submission, ctx: Context) -> Outcome:
    """Queues the card for the form's channel in the outbox, then posts it."""
    where = _channel(submission)
    known = {spec.name for spec in _introducible(ctx)}
    picked = sorted(set(submission.choices("commands")))
    if not picked:
        return FormErrors({"commands": "Pick at least one command."})
    if len(picked) > MAX_PICKS or any(name not in known for name in picked):
        return FormErrors({"commands": f"Pick up to {MAX_PICKS} of the commands listed."})
    subject = ",".join(picked)
    if len(subject) > MAX_SUBJECT:
        return FormErrors({"commands": "Pick fewer commands."})
    recipient = deliveries.Recipient(
        where.platform, deliveries.CHANNEL, where.channel_id, where.thread_id
    )
    async with ctx.db.transaction() as session:
        batch = await deliveries.queue(
            session, ctx, TOPIC, subject, where.workspace_id, [recipient]
        )
    outcome = await deliveries.deliver(ctx, batch, card(ctx, picked))
    if outcome.failed:
        return say("I could not post the card there yet; I will try again shortly.")
    return say("Posted: the channel now has a card introducing ", *_typed(ctx, picked), ".")


def card(ctx: Context, picked: list[str]) -> Reply:
    by_name = {spec.name: spec for spec in ctx.commands}
    lines: list[Span] = []
    for spec in (by_name[name] for name in picked if name in by_name):
        lines += ["\n", Code(spec.typed), f"  {spec.summary}"]
        if spec.examples:
            lines += ["\n    e.g. ", Code(spec.examples[0].command)]
    return reply(
        Heading("alignbot is here"),
        text(f"Run by {ctx.settings.operator_name}. Try:", *lines),
        small_print(
            Code("help"), " lists everything; ", Code("/alignbot about"), " says who runs it."
        ),
        public=True,
    )


async def _render(ctx: Context, delivery: Delivery) -> Reply | None:
    return card(ctx, delivery.subject.split(","))


TOPIC = deliveries.register(deliveries.Topic("about.intro", _render))


async def refresh(ctx: Context) -> None:
    """After an upgrade changes the commands (or what they say), every posted card is edited
    to match, once across replicas: the claim is named after what the commands are now."""
    current = json.dumps(
        [(spec.name, spec.typed, spec.summary) for spec in ctx.commands], sort_keys=True
    )
    fingerprint = hashlib.sha256(current.encode()).hexdigest()[:16]

    async def work() -> None:
        for subject, ref in await deliveries.posted_copies(ctx, TOPIC):
            try:
                await ctx.messenger.update(ref, card(ctx, subject.split(",")))
            except Exception:
                log.warning("could not update the introduction %s", ref.message_id, exc_info=True)

    await run_once(ctx, f"about.refresh:{fingerprint}", work)


REFRESH = Tick("refresh_cards", 3600, refresh, at_start=True)


def _introducible(ctx: Context) -> list[CommandSpec]:
    shown = (spec for spec in ctx.commands if spec.name != "help")
    return sorted(shown, key=lambda spec: spec.name)


def _typed(ctx: Context, picked: list[str]) -> list[Span]:
    by_name = {spec.name: spec for spec in ctx.commands}
    spans: list[Span] = []
    for name in picked:
        spans += [", " if spans else "", Code(by_name[name].typed)]
    return spans


def _channel(submission: Submission) -> Conversation:
    """Where the form was opened (its metadata, which the client carries: checked here)."""
    try:
        meta = json.loads(submission.metadata)
        channel, thread = meta["c"], meta.get("t")
    except (ValueError, KeyError, TypeError):
        raise UserError("That form has expired; run `/alignbot about introduce` again.") from None
    if not isinstance(channel, str) or not channel or len(channel) > MAX_ID:
        raise UserError("That form has expired; run `/alignbot about introduce` again.")
    if thread is not None and (not isinstance(thread, str) or len(thread) > MAX_ID):
        thread = None
    actor = submission.actor
    return Conversation(actor.platform, actor.workspace_id, channel, thread)
