"""What the page sends, as core events. The page is a client like Slack's: its values are
untrusted, so they are shaped by the form the server rendered, never taken as they come."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import assert_never

from adapters.local.console import to_core_mentions
from bot.events import Actor, Command, Conversation, FormValue, Message
from bot.replies import Form, InputKind

MAX_TEXT_CHARS = 50_000  # more than any command takes; the router explains its own limit
_NAMES = re.compile(r"[\s,;]+")


def typed(text: str, actor: Actor, where: Conversation) -> Command | Message:
    """`/vote new …` is a slash command (its text may run over several lines); anything else
    is a message to the bot, as in a DM or an @mention."""
    text = text[:MAX_TEXT_CHARS].strip()
    if text.startswith("/"):
        head, _, rest = text[1:].partition(" ")
        name, newline, first_line = head.partition("\n")
        body = first_line + newline + rest if newline else rest
        return Command(name, to_core_mentions(body), actor, where)
    return Message(to_core_mentions(text), actor, where)


def form_values(form: Form, sent: Mapping[str, object]) -> dict[str, FormValue]:
    """One value per input of the form, as a platform would send it; anything else is dropped."""
    values: dict[str, FormValue] = {}
    for spec in form.inputs:
        raw = sent.get(spec.name)
        items = [str(v) for v in raw] if isinstance(raw, list) else []
        text = str(raw).strip() if isinstance(raw, str | int | float) else ""
        match spec.kind:
            case InputKind.MULTI_SELECT:
                values[spec.name] = items or None
            case InputKind.USERS:
                names = [n.lstrip("@") for n in _NAMES.split(text) if n.lstrip("@")]
                values[spec.name] = names or None
            case InputKind.CHANNEL:
                values[spec.name] = text.lstrip("#") or None
            case InputKind.MULTILINE:
                values[spec.name] = (
                    str(raw).replace("\r\n", "\n") if isinstance(raw, str) and raw.strip() else None
                )
            case (
                InputKind.TEXT
                | InputKind.SELECT
                | InputKind.NUMBER
                | InputKind.DATE
                | InputKind.TIME
            ):
                values[spec.name] = text or None
            case _:
                assert_never(spec.kind)
    return values
