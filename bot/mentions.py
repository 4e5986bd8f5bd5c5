"""The core's one spelling of mentions inside command text.

People: `<@USER_ID>` or `<@USER_ID|name>`; channels: `<#CHANNEL_ID>` or `<#CHANNEL_ID|name>`.
Slack sends exactly this; the Teams and console adapters rewrite their mentions into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UserError

MENTION = re.compile(r"<@([A-Za-z0-9:_.\-]+)(?:\|([^>]*))?>")


@dataclass(frozen=True)
class MentionedUser:
    user_id: str
    name: str


def mentions(text: str) -> list[MentionedUser]:
    return [MentionedUser(m.group(1), m.group(2) or "") for m in MENTION.finditer(text)]


def without_mentions(text: str) -> str:
    return " ".join(MENTION.sub(" ", text).split())


def as_names(text: str) -> str:
    """Mention tokens turned back into the plain `@name` a person typed: quoted text is a
    name or a title, never a list of people to act on or ping."""
    return MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)), text)


_QUOTED = re.compile(r'"([^"]*)"')


def split_quoted(text: str) -> tuple[str, list[str]]:
    """The text outside "double quotes" (straight or curly), and each quoted part in order."""
    straight = text.replace("“", '"').replace("”", '"')
    if straight.count('"') % 2:
        raise UserError('A quote is left open: close every " you start.')
    quoted = [part.group(1) for part in _QUOTED.finditer(straight)]
    return _QUOTED.sub(" ", straight), quoted


CHANNEL_MENTION = re.compile(r"<#([A-Za-z0-9:_.\-@]+)(?:\|([^>]*))?>")


def readable(text: str) -> str:
    """Free text as people read it: `<@U1|ben>` becomes `@ben`, `<#C1|design>` `#design`.

    For text the bot keeps or echoes (a question, a decision name, a search): a stored
    mention token would show as markup wherever the platform does not expand it.
    """
    text = MENTION.sub(lambda m: f"@{m.group(2) or m.group(1)}", text)
    return CHANNEL_MENTION.sub(lambda m: f"#{m.group(2) or m.group(1)}", text)
