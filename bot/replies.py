"""What the bot says, as a small tree of blocks every adapter can render.

Text is a sequence of spans. A plain `str` span is always user-safe data: adapters escape it, so
no user text can become a mention, a link, `@channel` or formatting. Formatting and mentions
exist only as explicit spans the bot itself creates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


@dataclass(frozen=True)
class Bold:
    text: str


@dataclass(frozen=True)
class Italic:
    text: str


@dataclass(frozen=True)
class Code:
    text: str


@dataclass(frozen=True)
class Mention:
    """A real mention of a person; `name` is shown where the platform cannot mention."""

    user_id: str
    name: str = ""


Span = str | Bold | Italic | Code | Mention


def plain_text(spans: Iterable[Span]) -> str:
    """The spans as unformatted text: for notifications, logs and console output."""
    out: list[str] = []
    for span in spans:
        if isinstance(span, str):
            out.append(span)
        elif isinstance(span, Mention):
            out.append(f"@{span.name or span.user_id}")
        else:
            out.append(span.text)
    return "".join(out)


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Text:
    spans: tuple[Span, ...]

    @property
    def plain(self) -> str:
        return plain_text(self.spans)


def text(*spans: Span) -> Text:
    return Text(tuple(spans))


@dataclass(frozen=True)
class SmallPrint:
    """Small print under a block: provenance, hints, timestamps."""

    spans: tuple[Span, ...]


def small_print(*spans: Span) -> SmallPrint:
    return SmallPrint(tuple(spans))


@dataclass(frozen=True)
class Field:
    label: str
    value: tuple[Span, ...]


@dataclass(frozen=True)
class Fields:
    items: tuple[Field, ...]


def fields(*pairs: tuple[str, Sequence[Span] | str]) -> Fields:
    return Fields(
        tuple(
            Field(label, (value,) if isinstance(value, str) else tuple(value))
            for label, value in pairs
        )
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""


@dataclass(frozen=True)
class Bars:
    """A horizontal bar chart drawn with characters, so every platform shows the same picture."""

    items: tuple[Bar, ...]
    title: str = ""
    width: int = 20
    scale_max: float | None = None

    def lines(self) -> list[str]:
        if not self.items:
            return []
        measured = [_measurable(b.value) for b in self.items]
        top = _measurable(self.scale_max) if self.scale_max is not None else max(measured)
        label_width = min(max(len(b.label) for b in self.items), 28)
        return [
            self._line(bar, value, top, label_width)
            for bar, value in zip(self.items, measured, strict=True)
        ]

    def _line(self, bar: Bar, value: float, top: float, label_width: int) -> str:
        share = value / top if top > 0 else 0.0
        filled = max(0, min(self.width, round(self.width * share)))
        label = bar.label if len(bar.label) <= label_width else bar.label[: label_width - 1] + "…"
        note = f"  {bar.note}" if bar.note else ""
        drawn = "█" * filled + "░" * (self.width - filled)
        return f"{label.ljust(label_width)} {drawn} {bar.value:g}{note}"


def _measurable(value: float) -> float:
    """A bar's length from its value: nothing for NaN or below zero, full for infinity."""
    if math.isnan(value) or value <= 0:
        return 0.0
    return min(value, 1e300)  # infinity fills the bar; /inf would be NaN


class ButtonStyle(StrEnum):
    DEFAULT = "default"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    """`opens_form`: pressing it normally answers with a `Form`, so adapters that must decide
    up front (a Teams dialog) open one; the outcome is still whatever the action returns."""

    label: str
    action_id: str
    value: str = ""
    style: ButtonStyle = ButtonStyle.DEFAULT
    opens_form: bool = False


@dataclass(frozen=True)
class Option:
    label: str
    value: str


@dataclass(frozen=True)
class Select:
    """A menu inside a message; choosing an option is an `Action` with the option's value."""

    action_id: str
    placeholder: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Actions:
    elements: tuple[Button | Select, ...]


def buttons(*items: Button | Select) -> Actions:
    return Actions(tuple(items))


@dataclass(frozen=True)
class Divider:
    pass


@dataclass(frozen=True)
class Preformatted:
    """Monospace text (tables, CSV exports); escaped like any user text."""

    text: str


Block = Heading | Text | SmallPrint | Fields | Bars | Actions | Divider | Preformatted


class Visibility(StrEnum):
    PRIVATE = "private"  # only the person who asked (Slack ephemeral)
    CHANNEL = "channel"  # everyone in the conversation


@dataclass(frozen=True)
class Reply:
    """A message. `replace_original` asks the adapter to update the message an action came from."""

    blocks: tuple[Block, ...]
    visibility: Visibility = Visibility.PRIVATE
    replace_original: bool = False

    @property
    def fallback(self) -> str:
        """One line for notifications and clients that cannot render blocks."""
        for block in self.blocks:
            if isinstance(block, Heading):
                return block.text
            if isinstance(block, Text):
                return block.plain
        return "alignbot"


def reply(*blocks: Block, public: bool = False, replace_original: bool = False) -> Reply:
    visibility = Visibility.CHANNEL if public else Visibility.PRIVATE
    return Reply(tuple(blocks), visibility, replace_original)


def say(*spans: Span) -> Reply:
    """The most common reply: one private paragraph to the asker."""
    return reply(text(*spans))


# Forms -----------------------------------------------------------------------------------


class InputKind(StrEnum):
    TEXT = "text"
    MULTILINE = "multiline"
    SELECT = "select"
    MULTI_SELECT = "multi_select"
    NUMBER = "number"
    DATE = "date"  # value "YYYY-MM-DD"
    TIME = "time"  # value "HH:MM"
    USERS = "users"  # value: list of user ids (Slack user picker, Teams people picker)
    CHANNEL = "channel"  # value: one channel id (Slack channel picker)


MAX_TEXT_INPUT = 3000  # what one text input may hold on every platform (Slack's is the least)
_TEXT_KINDS = frozenset({InputKind.TEXT, InputKind.MULTILINE, InputKind.CHANNEL})


@dataclass(frozen=True)
class Input:
    """One form input. A text input never holds more than `MAX_TEXT_INPUT` characters: longer
    pre-filled text is refused here (spread it with `bot.limits.text_inputs`), never cut."""

    name: str
    label: str
    kind: InputKind = InputKind.TEXT
    required: bool = True
    initial: str | tuple[str, ...] | None = None
    placeholder: str = ""
    hint: str = ""
    options: tuple[Option, ...] = ()
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in _TEXT_KINDS:
            return
        limit = self.max_length or MAX_TEXT_INPUT
        if limit > MAX_TEXT_INPUT:
            raise ValueError(f"input {self.name!r}: max_length {limit} > {MAX_TEXT_INPUT}")
        if isinstance(self.initial, str) and len(self.initial) > limit:
            raise ValueError(
                f"input {self.name!r}: {len(self.initial)} characters pre-filled, "
                f"the input holds {limit}"
            )


@dataclass(frozen=True)
class Form:
    """A form: a Slack modal, a Teams card with inputs, console prompts."""

    form_id: str
    title: str
    inputs: tuple[Input, ...]
    submit_label: str = "Submit"
    metadata: str = ""
    intro: tuple[Span, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class FormErrors:
    """Submitted values were refused: the form stays open with a message per input."""

    errors: dict[str, str]


Outcome = Reply | Form | FormErrors | None


def confirmation(question: str, label: str, action_id: str, value: str, typed: str) -> Reply:
    """Asks before something that can't be undone: a danger button, or the command typed out
    with `confirm` (for clients without buttons)."""
    return reply(
        text(question),
        Actions((Button(label, action_id, value, ButtonStyle.DANGER),)),
        small_print("This can't be undone. Or type ", Code(typed), "."),
    )


def done_in_place(outcome: Reply) -> Reply:
    """The answer to a confirmation button replaces the question, so it can't be pressed twice."""
    return Reply(outcome.blocks, outcome.visibility, replace_original=True)
