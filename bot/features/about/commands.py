"""`/alignbot about`: what this deployment is; `/alignbot about introduce`: a card for a channel."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from bot.context import Context
from bot.errors import UserError
from bot.events import Command
from bot.feature import Args, CommandSpec, Example, Subcommand
from bot.features.about import intro
from bot.features.about.settings import AboutSettings
from bot.replica import REPLICA_ID
from bot.replies import Code, Heading, Outcome, Span, fields, reply, small_print, text


def running_version() -> str:
    try:
        return version("alignbot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unreleased"


async def show(command: Command, args: Args, ctx: Context) -> Outcome:
    settings = ctx.settings
    contact = settings.operator_contact.strip() or "no contact published; ask a workspace admin"
    website = ctx.feature_settings.of(AboutSettings).website_url.strip().rstrip("/")
    pages = f"{website}/privacy and {website}/terms" if website else "served by this deployment"
    listed: list[Span] = []
    for spec in sorted(ctx.commands, key=lambda spec: spec.name):
        listed += ["\n", Code(spec.typed), f"  {spec.summary}"]
    return reply(
        Heading("About this alignbot"),
        fields(
            ("Version", running_version()),
            ("Run by", settings.operator_name),
            ("Contact", contact),
            ("Privacy and terms", pages),
            ("Answered by", f"replica {REPLICA_ID}"),
        ),
        text("What it can do here:", *listed),
        small_print("Introduce it to a channel: ", Code("/alignbot about introduce"), "."),
    )


async def introduce(command: Command, args: Args, ctx: Context) -> Outcome:
    if command.conversation.is_direct or not command.conversation.channel_id:
        raise UserError("Run `/alignbot about introduce` in the channel to introduce me to.")
    return intro.form(ctx, command.conversation)


SHOW = Subcommand(
    "show",
    "what this alignbot is: version, operator, privacy pages and every command",
    show,
    examples=(Example("/alignbot about", "who runs this alignbot and what it can do"),),
)

SPEC = CommandSpec(
    name="about",
    summary="what this alignbot is, and a card introducing it to a channel",
    umbrella_only=True,
    default=SHOW,
    subcommands=(
        SHOW,
        Subcommand(
            "introduce",
            "post a card to this channel with the commands you pick",
            introduce,
            examples=(
                Example("/alignbot about introduce", "pick commands; the channel gets a card"),
            ),
        ),
    ),
)
