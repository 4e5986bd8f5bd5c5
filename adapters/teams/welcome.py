"""The welcome Teams shows once when alignbot is added to a chat, a group chat or a team: what
to type, from the same feature examples as the compose box's command menu (`package`)."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.teams.package import command_menu
from bot.feature import Feature
from bot.replies import Block, Code, Heading, Reply, reply, text


def welcome(features: Sequence[Feature], *, in_channel: bool) -> Reply:
    """Addressed to everyone there: in a channel or group chat, messages must @mention me."""
    specs = [spec for feature in features for spec in feature.commands]
    menu = command_menu(specs)  # at most ten, help first
    how = (
        ("Mention me, then write a command, e.g. ", Code("@alignbot help"), ".")
        if in_channel
        else ("Write a command, e.g. ", Code("help"), ".")
    )
    blocks: list[Block] = [
        Heading("Hi, I'm alignbot"),
        text(
            "I keep product owners, designers, researchers and stakeholders aligned. ",
            *how,
            " Try:",
        ),
    ]
    blocks += [text(Code(item["title"]), f": {item['description']}") for item in menu]
    return reply(*blocks, public=True)
