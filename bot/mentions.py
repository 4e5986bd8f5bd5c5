"""The core's one spelling of mentions inside command text.

People: `<@USER_ID>` or `<@USER_ID|name>`; channels: `<#CHANNEL_ID>` or `<#CHANNEL_ID|name>`.
Slack sends exactly this; the Teams and console adapters rewrite their mentions into it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MENTION = re.compile(r"<@([A-Za-z0-9:_.\-]+)(?:\|([^>]*))?>")


@dataclass(frozen=True)
class MentionedUser:
    user_id: str
    name: str


def mentions(text: str) -> list[MentionedUser]:
    return [MentionedUser(m.group(1), m.group(2) or "") for m in MENTION.finditer(text)]


def without_mentions(text: str) -> str:
    return " ".join(MENTION.sub(" ", text).split())


CHANNEL = re.compile(r"<#([A-Za-z0-9:_.\-@]+)(?:\|([^>]*))?>")
