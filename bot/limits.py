"""Limits every platform shares, so features build forms both adapters show without cutting.

A text input holds at most `MAX_TEXT_INPUT` characters (Slack's plain_text_input; Teams is
looser; the constant lives in `bot.replies`). Text that may be longer is spread over several
inputs (`text_inputs`) and read back joined (`joined_text`), so an import or an edit never
loses its tail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.events import Submission
from bot.replies import MAX_TEXT_INPUT, Input, InputKind

CONTINUED = "{name}_{number}"


def continued_name(name: str, number: int) -> str:
    """`items`, `items_2`, `items_3`…: the inputs one long text is spread over."""
    return name if number == 1 else CONTINUED.format(name=name, number=number)


def pack(pieces: Sequence[str], separator: str, limit: int = MAX_TEXT_INPUT) -> list[str]:
    """The pieces joined by `separator` into as few texts of at most `limit` as they need;
    a piece is never split. Raises ValueError for a piece longer than `limit` by itself."""
    packed: list[str] = []
    for piece in pieces:
        if len(piece) > limit:
            raise ValueError(f"a piece of {len(piece)} characters cannot fit in {limit}")
        if packed and len(packed[-1]) + len(separator) + len(piece) <= limit:
            packed[-1] += separator + piece
        else:
            packed.append(piece)
    return packed


def text_inputs(
    name: str,
    label: str,
    pieces: Sequence[str],
    *,
    separator: str = "\n",
    kind: InputKind = InputKind.MULTILINE,
    **options: Any,
) -> tuple[Input, ...]:
    """One input per `MAX_TEXT_INPUT` characters of `pieces` (one when there are none); only
    the first keeps `options` like `required` and `hint`, the others are optional continuations."""
    texts = pack(pieces, separator)
    count = max(len(texts), 1)
    inputs = [
        Input(name, label, kind, initial=texts[0] if texts else None, **options)
        if number == 1
        else Input(
            continued_name(name, number),
            f"{label} (continued)",
            kind,
            required=False,
            initial=texts[number - 1] if number <= len(texts) else None,
            hint="For the rest, when the box above is full.",
        )
        for number in range(1, count + 1)
    ]
    return tuple(inputs)


def joined_text(submission: Submission, name: str, separator: str = "\n") -> str:
    """Everything typed into `name` and its continuations, in order."""
    parts: list[str] = []
    number = 1
    while (key := continued_name(name, number)) in submission.values or number == 1:
        if value := submission.text(key):
            parts.append(value)
        number += 1
    return separator.join(parts)
