"""Replies as HTML (forms: `form_html`). Every piece of text is escaped here, so nothing a
person typed can become markup; the page script only inserts what this module produced."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

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
    Italic,
    Mention,
    Preformatted,
    Reply,
    Select,
    SmallPrint,
    Span,
    Text,
)


def spans(items: Iterable[Span]) -> str:
    out: list[str] = []
    for span in items:
        match span:
            case str():
                out.append(escape(span))
            case Bold():
                out.append(f"<strong>{escape(span.text)}</strong>")
            case Italic():
                out.append(f"<em>{escape(span.text)}</em>")
            case Code():
                out.append(f"<code>{escape(span.text)}</code>")
            case Mention():
                out.append(f'<span class="mention">@{escape(span.name or span.user_id)}</span>')
    return "".join(out)


def reply_html(reply: Reply) -> str:
    """The message body; controls carry their position, which the server maps back to the
    button or menu it rendered (the page never sends action ids or values of its own)."""
    parts: list[str] = []
    position = 0
    for block in reply.blocks:
        html, position = _block(block, position)
        parts.append(html)
    return "".join(parts)


def _block(block: Block, position: int) -> tuple[str, int]:
    match block:
        case Heading():
            return f"<h3>{escape(block.text)}</h3>", position
        case Text():
            return f"<p>{spans(block.spans)}</p>", position
        case SmallPrint():
            return f'<p class="context">{spans(block.spans)}</p>', position
        case Fields():
            rows = "".join(
                f"<dt>{escape(item.label)}</dt><dd>{spans(item.value)}</dd>" for item in block.items
            )
            return f"<dl>{rows}</dl>", position
        case Bars():
            title = f'<p class="bars-title">{escape(block.title)}</p>' if block.title else ""
            return f'{title}<pre class="bars">{escape(chr(10).join(block.lines()))}</pre>', position
        case Divider():
            return "<hr>", position
        case Preformatted():
            return f"<pre>{escape(block.text)}</pre>", position
        case Actions():
            controls: list[str] = []
            for element in block.elements:
                controls.append(_control(element, position))
                position += 1
            return f'<div class="actions">{"".join(controls)}</div>', position


def _control(element: Button | Select, position: int) -> str:
    if isinstance(element, Button):
        return (
            f'<button type="button" class="btn {escape(element.style.value)}" '
            f'data-control="{position}">{escape(element.label)}</button>'
        )
    options = "".join(
        f'<option value="{index}">{escape(option.label)}</option>'
        for index, option in enumerate(element.options)
    )
    placeholder = f'<option value="" selected disabled>{escape(element.placeholder)}</option>'
    label = escape(element.placeholder)
    return f'<select data-control="{position}" aria-label="{label}">{placeholder}{options}</select>'
