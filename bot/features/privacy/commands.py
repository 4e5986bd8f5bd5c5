"""`/alignbot my data` (anyone, their own) and `/alignbot forget @person` (admins, confirmed)."""

from __future__ import annotations

import json

from bot.context import Context
from bot.errors import UserError
from bot.events import Action, Actor, Command
from bot.feature import Arg, ArgKind, Args, CommandSpec, Example, Subcommand, Who
from bot.features.privacy import data
from bot.replies import (
    Button,
    ButtonStyle,
    Code,
    Heading,
    Outcome,
    Preformatted,
    Reply,
    buttons,
    fields,
    reply,
    say,
    small_print,
    text,
)
from bot.subcommands import ensure_allowed
from storage.repositories.personal import core

FORGET_ACTION = "privacy.forget"
KEEP_ACTION = "privacy.keep"
MAX_USER_ID = 128


async def my_data(command: Command, args: Args, ctx: Context) -> Outcome:
    actor = command.actor
    async with ctx.db.transaction() as session:
        found = await data.gather(session, actor.workspace_id, actor.user_id)
    held = {section: records for section, records in found.items() if records}
    exported = json.dumps(held, indent=1, ensure_ascii=False, sort_keys=True)
    return reply(
        Heading("Your data in alignbot"),
        text(
            "Everything alignbot keeps about you in this workspace, as JSON. Ballots on "
            "anonymous votes are not here: nothing stored links them to you."
        ),
        Preformatted(exported),
        small_print("An admin can erase it with ", Code("/alignbot forget @you"), "."),
    )


def _ensure_admin(actor: Actor) -> None:
    """The confirm button checks again: it may be pressed by anyone who sees it."""
    ensure_allowed(_FORGET, actor)


async def forget(command: Command, args: Args, ctx: Context) -> Outcome:
    """Shows what would go and asks to confirm; nothing is erased yet."""
    person = args.person("person")
    assert person is not None  # a required argument
    workspace_id = command.actor.workspace_id
    async with ctx.db.transaction() as session:
        found = await data.gather(session, workspace_id, person.user_id)
        entry = await core.directory_entry(session, workspace_id, person.user_id)
    name = person.name or (entry.display_name if entry else "") or person.user_id
    counts = [(section, str(len(records))) for section, records in found.items() if records]
    if not counts:
        return say(f"alignbot keeps nothing about {name}; there is nothing to erase.")
    return reply(
        Heading(f"Erase what alignbot keeps about {name}?"),
        fields(*counts),
        text(
            "Their answers, roles, follows and named ballots go. Tallies, turnout and their "
            "insights stay, credited to a former member. Messages already posted in channels "
            "are not changed. This cannot be undone."
        ),
        buttons(
            Button(f"Erase {name}'s data", FORGET_ACTION, person.user_id, ButtonStyle.DANGER),
            Button("Keep it", KEEP_ACTION),
        ),
    )


async def forget_confirmed(action: Action, ctx: Context) -> Outcome:
    """The button only names the person; the admin check is made again here."""
    _ensure_admin(action.actor)
    user_id = action.value.strip()
    if not user_id or len(user_id) > MAX_USER_ID:
        raise UserError("That button no longer names anyone; run `/alignbot forget @person`.")
    workspace_id = action.actor.workspace_id
    async with ctx.db.transaction() as session:
        entry = await core.directory_entry(session, workspace_id, user_id)
        names = {entry.display_name} if entry and entry.display_name else set()
        changed = await data.erase(session, workspace_id, user_id, names)
    who = next(iter(names), "that person")
    done = text(f"Erased what alignbot kept about {who} ({changed} records removed or unnamed).")
    return Reply((done,), replace_original=True)


async def keep(action: Action, ctx: Context) -> Outcome:
    return Reply((text("Nothing was erased."),), replace_original=True)


_FORGET = Subcommand(
    "",
    "erase what alignbot keeps about a person (admins; asks first)",
    forget,
    args=(Arg("person", ArgKind.PERSON, label="one person (an @mention)"),),
    examples=(Example("/alignbot forget @ana", "erase Ana's data, keeping tallies"),),
    who=Who.ADMINS,
    doing="erase a person's data",
)

SPECS = (
    CommandSpec(
        name="my",
        summary="what alignbot keeps about you, as JSON",
        umbrella_only=True,
        subcommands=(
            Subcommand(
                "data",
                "what alignbot keeps about you, as JSON",
                my_data,
                examples=(Example("/alignbot my data", "everything stored about you"),),
            ),
        ),
    ),
    CommandSpec(
        name="forget",
        summary="erase what alignbot keeps about a person (admins; asks first)",
        umbrella_only=True,
        default=_FORGET,
    ),
)
