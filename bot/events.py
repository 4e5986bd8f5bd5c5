"""What happened, in the bot's own words: adapters translate platform payloads into these."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

FormValue = str | list[str] | None


@dataclass(frozen=True)
class Actor:
    """A person, identified exactly as their platform identifies them."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str = ""
    timezone: str | None = None
    is_admin: bool = False

    @property
    def label(self) -> str:
        return self.display_name or self.user_id


@dataclass(frozen=True)
class Conversation:
    """Where something was said: a channel, a thread in it, or a direct conversation."""

    platform: str
    workspace_id: str
    channel_id: str
    thread_id: str | None = None
    is_direct: bool = False


@dataclass(frozen=True)
class MessageRef:
    """A message the bot posted, so it can be updated later (live tallies, retractions)."""

    platform: str
    workspace_id: str
    channel_id: str
    message_id: str


@dataclass(frozen=True)
class Command:
    """A command such as `/who owns the roadmap`: name `who`, text `owns the roadmap`."""

    name: str
    text: str
    actor: Actor
    conversation: Conversation
    trigger_id: str | None = None


@dataclass(frozen=True)
class Message:
    """Free text addressed to the bot (a DM, an @mention, a Teams message)."""

    text: str
    actor: Actor
    conversation: Conversation


@dataclass(frozen=True)
class Action:
    """A button or select in a posted message was used."""

    action_id: str
    value: str
    actor: Actor
    conversation: Conversation
    message: MessageRef | None = None
    trigger_id: str | None = None


@dataclass(frozen=True)
class Submission:
    """A form was submitted; `metadata` is what the feature attached to the form."""

    form_id: str
    values: Mapping[str, FormValue]
    actor: Actor
    conversation: Conversation
    metadata: str = ""

    def text(self, name: str) -> str:
        """The value of a text-like input, stripped; empty when absent."""
        value = self.values.get(name)
        if isinstance(value, list):
            return ", ".join(value).strip()
        return (value or "").strip()

    def choices(self, name: str) -> list[str]:
        value = self.values.get(name)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)


Event = Command | Message | Action | Submission
