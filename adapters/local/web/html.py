"""Replies and forms as HTML. Every piece of text is escaped here, so nothing a person typed
can become markup; the page script only inserts what this module produced."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from adapters.local.render import asked_inputs
from bot.replies import (
    Actions,
    Bars,
    Block,
    Bold,
    Button,
    Code,
    Divider,
    Fields,
    Form,
    Heading,
    Input,
    InputKind,
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


def form_html(form: Form) -> str:
    """The fields of a modal dialog; the dialog's title and buttons come with it."""
    intro = f'<p class="intro">{spans(form.intro)}</p>' if form.intro else ""
    fields = "".join(_field(spec) for spec in asked_inputs(form.inputs))
    return (
        f"<h2>{escape(form.title)}</h2>{intro}{fields}"
        '<div class="dialog-buttons"><button type="button" class="btn cancel">Cancel</button>'
        f'<button type="submit" class="btn primary">{escape(form.submit_label)}</button></div>'
    )


def _field(spec: Input) -> str:
    name = escape(spec.name)
    label = escape(spec.label) + (
        "" if spec.required else ' <span class="optional">(optional)</span>'
    )
    hint = f'<small class="hint">{escape(spec.hint)}</small>' if spec.hint else ""
    control = _input(spec)
    return (
        f'<div class="field" data-field="{name}"><label for="f-{name}">{label}</label>'
        f'{control}{hint}<p class="error" data-error-for="{name}" role="alert"></p></div>'
    )


def _initial(spec: Input) -> list[str]:
    if spec.initial is None:
        return []
    return [spec.initial] if isinstance(spec.initial, str) else list(spec.initial)


def _input(spec: Input) -> str:
    name = escape(spec.name)
    initial = _initial(spec)
    first = escape(initial[0]) if initial else ""
    common = f'id="f-{name}" name="{name}"' + (" required" if spec.required else "")
    placeholder = f' placeholder="{escape(spec.placeholder)}"' if spec.placeholder else ""
    match spec.kind:
        case InputKind.MULTILINE:
            limit = f' maxlength="{spec.max_length}"' if spec.max_length else ""
            return f'<textarea {common} rows="4"{placeholder}{limit}>{first}</textarea>'
        case InputKind.SELECT:
            options = "".join(
                f'<option value="{escape(o.value)}"{" selected" if o.value in initial else ""}>'
                f"{escape(o.label)}</option>"
                for o in spec.options
            )
            empty = "" if initial else '<option value="">Choose…</option>'
            return f"<select {common}>{empty}{options}</select>"
        case InputKind.MULTI_SELECT:
            boxes = "".join(
                f'<label class="check"><input type="checkbox" name="{name}" '
                f'value="{escape(o.value)}"{" checked" if o.value in initial else ""}> '
                f"{escape(o.label)}</label>"
                for o in spec.options
            )
            return f'<div class="checks" id="f-{name}" data-multi="{name}">{boxes}</div>'
        case InputKind.NUMBER:
            bounds = "".join(
                f' {attr}="{value:g}"'
                for attr, value in (("min", spec.min_value), ("max", spec.max_value))
                if value is not None
            )
            return f'<input type="number" step="any" {common} value="{first}"{bounds}>'
        case InputKind.DATE:
            return f'<input type="date" {common} value="{first}">'
        case InputKind.TIME:
            return f'<input type="time" {common} value="{first}">'
        case InputKind.USERS:
            names = escape(", ".join(f"@{user}" for user in initial))
            return (
                f'<input type="text" {common} value="{names}" '
                'placeholder="@ana, @ben" data-kind="users">'
            )
        case InputKind.CHANNEL:
            return f'<input type="text" {common} value="{first}" placeholder="#general">'
    limit = f' maxlength="{spec.max_length}"' if spec.max_length else ""
    return f'<input type="text" {common} value="{first}"{placeholder}{limit}>'
