"""The one place a core `Outcome` becomes console output.

A reply is printed with its buttons numbered on the board (an update says which message it
replaces); a form becomes the prompts the chat asks next; a refused submission marks the
fields to ask again. The chat (`adapters/local/console.py`) only reads lines and turns them
into core events.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from adapters.local.forms import FormFiller
from adapters.local.terminal import Board, Terminal
from bot.events import Action, Event
from bot.replies import Form, FormErrors, Outcome, Reply


class Surface(StrEnum):
    """What the outcome answers."""

    LINE = "line"  # a typed line or a pressed number: printed below it
    FORM = "form"  # a filled-in form: refused fields are asked again


@dataclass(frozen=True)
class Where:
    """The event an outcome answers; `filler` the form it submitted, if any."""

    event: Event
    filler: FormFiller | None = None


class ConsoleRenderer:
    """Turns the core's outcomes into console output; the console's renderer."""

    def __init__(self, terminal: Terminal, board: Board) -> None:
        self.terminal = terminal
        self.board = board

    async def render(self, outcome: Outcome, where: Where, surface: Surface) -> FormFiller | None:
        """Prints what `outcome` says; returns the form to fill in next, if there is one."""
        match outcome:
            case Reply():
                self._print(outcome, where.event)
            case Form():
                return FormFiller(outcome, self.terminal)
            case FormErrors() if surface is Surface.FORM and where.filler is not None:
                where.filler.refused(outcome)
                return where.filler
            case FormErrors():
                self.terminal.say("\n".join(f"  ! {error}" for error in outcome.errors.values()))
        return None

    def _print(self, reply: Reply, event: Event) -> None:
        ref = event.message if isinstance(event, Action) else None
        if ref is None or not reply.replace_original:
            ref = self.board.new_ref(event.conversation)
        else:
            self.terminal.say(f"[message {ref.message_id} updated]")
        self.terminal.say(self.board.show(reply, ref, event.conversation))
