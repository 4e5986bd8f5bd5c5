"""The message extension: "Share as research insight" and "Start a vote from this thread" in
a Teams message's "…" menu (manifest `composeExtensions`, action commands in the `message`
context).

Teams asks what to show with a `composeExtension/fetchTask` invoke carrying the message
(`messagePayload`: its HTML body and link); we answer with the feature's form as a dialog, the
same one the message commands open. Its submission arrives as `composeExtension/submitAction`
with the dialog's data, and is handled as any dialog submission. Everything in the payload
comes from the client and is read as untrusted text.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from typing import Any

from adapters.teams.inbound import actor_of, conversation_of
from bot.events import Action
from bot.quoted import QuotedMessage

FETCH_TASK = "composeExtension/fetchTask"
SUBMIT_ACTION = "composeExtension/submitAction"
# The manifest's command ids and the core actions they start (see manifest.json).
COMMANDS = {
    "shareAsInsight": "insight.from_message",
    "startVote": "vote.from_message",
}
MAX_HTML = 100_000  # a Teams message is at most ~28 KB; anything longer is not one


def requested(value: Any) -> tuple[str, dict[str, Any]]:
    """The command id and the rest of an invoke's value (empty for anything malformed)."""
    if not isinstance(value, dict):
        return "", {}
    return str(value.get("commandId") or ""), value


def message_action(activity: Any) -> Action | None:
    """The fetchTask invoke as the core action its command starts; None if not ours."""
    command, value = requested(activity.value)
    action_id = COMMANDS.get(command)
    if action_id is None:
        return None
    payload = value.get("messagePayload")
    payload = payload if isinstance(payload, dict) else {}
    body = payload.get("body")
    body = body if isinstance(body, dict) else {}
    content = str(body.get("content") or "")[:MAX_HTML]
    text = html_text(content) if body.get("contentType") == "html" else content
    link = payload.get("linkToMessage")
    link = link if isinstance(link, str) and link.startswith("https://") else ""
    return Action(
        action_id=action_id,
        value=QuotedMessage(text, link).encode(),
        actor=actor_of(activity),
        conversation=conversation_of(activity),
    )


def submitted_data(activity: Any) -> dict[str, Any]:
    """The dialog's data and inputs a submitAction invoke carries."""
    _, value = requested(activity.value)
    data = value.get("data")
    return data if isinstance(data, dict) else {}


class _Text(HTMLParser):
    """Teams message HTML as plain lines: paragraphs and breaks end lines, list items
    become bullet points (which the vote action reads as items)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "li":
            self.parts.append("\n• ")
        elif tag in ("br", "p", "div"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "div", "li", "ul", "ol"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(content: str) -> str:
    parser = _Text()
    parser.feed(content)
    parser.close()
    lines = (" ".join(line.split()) for line in unescape("".join(parser.parts)).splitlines())
    return "\n".join(line for line in lines if line)
