"""The one place a core `Outcome` becomes what the playground page shows.

A reply is added to the conversation (to its sender alone when private) or replaces the
message whose button was pressed; a form opens as a dialog; a refused submission keeps its
dialog open with each field's error, anything else closes it. The HTML is built in
`adapters/local/web/html.py`; the playground (`playground.py`) keeps the messages and open
dialogs, turns the page's requests into core events and sends every change to open pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from adapters.local.web.form_html import form_html
from bot.events import Action, Event
from bot.replies import Form, FormErrors, Outcome, Reply, Visibility

if TYPE_CHECKING:
    from adapters.local.web.playground import Playground


class Surface(StrEnum):
    """What the page did that the outcome answers."""

    TYPED = "typed"  # a line typed into a conversation
    PRESSED = "pressed"  # a button or menu: `replace_original` replaces its message
    DIALOG = "dialog"  # a dialog's form submitted: refused values keep it open


@dataclass(frozen=True)
class Where:
    """The event an outcome answers; `dialog` the token of the dialog it submitted."""

    event: Event
    dialog: str | None = None


class PageRenderer:
    """Turns the core's outcomes into page changes and the answer to the page's request."""

    def __init__(self, page: Playground) -> None:
        self.page = page

    async def render(self, outcome: Outcome, where: Where, surface: Surface) -> dict[str, Any]:
        """Shows what `outcome` says; returns the JSON answer to the page's request."""
        if surface is Surface.DIALOG and where.dialog and not isinstance(outcome, FormErrors):
            self.page.close_dialog(where.dialog)
        event = where.event
        match outcome:
            case Reply():
                await self._show(outcome, event, surface)
            case Form():
                token = self.page.open_dialog(outcome, event.actor, event.conversation)
                return {"form": {"token": token, "html": form_html(outcome)}}
            case FormErrors():
                return {"errors": outcome.errors}
        return {}

    async def _show(self, reply: Reply, event: Event, surface: Surface) -> None:
        pressed = event.message if isinstance(event, Action) else None
        if surface is Surface.PRESSED and reply.replace_original and pressed is not None:
            original = self.page.messages.get(pressed.message_id)
            if original is not None:
                original.reply, original.edited = reply, True
                await self.page.broadcast(original)
                return
        private = reply.visibility is Visibility.PRIVATE or event.conversation.is_direct
        visible_to = event.actor.user_id if private else None
        await self.page.broadcast(
            self.page.add(event.conversation, "alignbot", reply=reply, visible_to=visible_to)
        )
