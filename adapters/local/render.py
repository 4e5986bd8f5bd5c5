"""Replies and forms as terminal text. Also the canonical plain rendering tests assert on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.limits import continued_name
from bot.replies import (
    Actions,
    Bars,
    Block,
    Bold,
    Button,
    Code,
    Divider,
    Fields,
    Heading,
    Input,
    Italic,
    Mention,
    Preformatted,
    Reply,
    Select,
    SmallPrint,
    Span,
    Text,
)


def spans_to_text(spans: Iterable[Span]) -> str:
    out: list[str] = []
    for span in spans:
        match span:
            case str():
                out.append(span)
            case Bold():
                out.append(span.text)
            case Italic():
                out.append(span.text)
            case Code():
                out.append(f"`{span.text}`")
            case Mention():
                out.append(f"@{span.name or span.user_id}")
    return "".join(out)


def asked_inputs(inputs: Sequence[Input]) -> tuple[Input, ...]:
    """The inputs worth showing here: a long text's continuation boxes (`items_2`, …, which
    exist for Slack's per-box limit) only when they hold pre-filled text."""
    names = {spec.name for spec in inputs}

    def continues(spec: Input) -> bool:
        base, _, number = spec.name.rpartition("_")
        return base in names and number.isdigit() and spec.name == continued_name(base, int(number))

    return tuple(spec for spec in inputs if not (continues(spec) and not spec.initial))


def controls(reply: Reply) -> list[Button | Select]:
    """Buttons and selects in display order, numbered from 1 in the rendering."""
    found: list[Button | Select] = []
    for block in reply.blocks:
        if isinstance(block, Actions):
            found.extend(block.elements)
    return found


def render(reply: Reply, first: int = 1) -> str:
    """The reply as text; its buttons are numbered from `first` (numbers run on across
    messages in a session)."""
    lines: list[str] = []
    number = first - 1
    for block in reply.blocks:
        block_lines, number = _block(block, number)
        lines.extend(block_lines)
    return "\n".join(lines)


def _block(block: Block, number: int) -> tuple[list[str], int]:
    match block:
        case Heading():
            return [f"== {block.text} =="], number
        case Text():
            return [spans_to_text(block.spans)], number
        case SmallPrint():
            return [f"  ({spans_to_text(block.spans)})"], number
        case Fields():
            return [f"{f.label}: {spans_to_text(f.value)}" for f in block.items], number
        case Bars():
            title = [block.title] if block.title else []
            return title + block.lines(), number
        case Divider():
            return ["-" * 40], number
        case Preformatted():
            return block.text.splitlines(), number
        case Actions():
            out: list[str] = []
            for element in block.elements:
                number += 1
                if isinstance(element, Button):
                    out.append(f"  [{number}] {element.label}")
                else:
                    choices = ", ".join(option.label for option in element.options)
                    out.append(f"  [{number}] {element.placeholder}: {choices}")
            return out, number
