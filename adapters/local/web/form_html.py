"""Forms as the playground's HTML dialogs, one rule per field of `Input` and `Form`.

As on Slack and Teams, `handles_every_field` checks the tables when this module is imported,
so a field added to the core form model stops the application until the page handles it.
Every piece of text is escaped here; the page script only inserts what this module produced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import assert_never

from adapters.form_fields import handles_every_field
from adapters.local.render import asked_inputs
from adapters.local.web.html import spans
from bot.replies import Form, Input, InputKind


@dataclass
class _Shown:
    """One field on the page as its rules build it: the control, its label and what follows."""

    tag: str
    attrs: dict[str, str | None]  # None: an attribute without a value (`required`)
    inner: str = ""
    label: str = ""
    below: list[str] = field(default_factory=list)

    def control(self) -> str:
        attrs = "".join(
            f" {key}" if value is None else f' {key}="{value}"' for key, value in self.attrs.items()
        )
        if self.tag == "input":
            return f"<input{attrs}>"
        return f"<{self.tag}{attrs}>{self.inner}</{self.tag}>"


def _values(item: Input) -> list[str]:
    if item.initial is None:
        return []
    return [item.initial] if isinstance(item.initial, str) else list(item.initial)


def _element(kind: InputKind) -> _Shown:
    """The control each kind of input is on the page, as the platforms' pickers are."""
    match kind:
        case InputKind.TEXT | InputKind.CHANNEL:
            return _Shown("input", {"type": "text"})
        case InputKind.USERS:
            return _Shown("input", {"type": "text", "data-kind": "users"})
        case InputKind.MULTILINE:
            return _Shown("textarea", {"rows": "4"})
        case InputKind.SELECT:
            return _Shown("select", {})
        case InputKind.MULTI_SELECT:
            return _Shown("div", {"class": "checks"})
        case InputKind.NUMBER:
            return _Shown("input", {"type": "number", "step": "any"})
        case InputKind.DATE:
            return _Shown("input", {"type": "date"})
        case InputKind.TIME:
            return _Shown("input", {"type": "time"})
        case _:
            assert_never(kind)


def _name(item: Input, shown: _Shown) -> None:
    name = escape(item.name)
    shown.attrs["id"] = f"f-{name}"
    if item.kind is InputKind.MULTI_SELECT:
        shown.attrs["data-multi"] = name  # each checkbox carries the name (see `_options`)
    else:
        shown.attrs["name"] = name


def _label(item: Input, shown: _Shown) -> None:
    shown.label = escape(item.label) + shown.label


def _kind(item: Input, shown: _Shown) -> None:
    """Already applied: `_element(item.kind)` is where a field's rules start."""


def _required(item: Input, shown: _Shown) -> None:
    if not item.required:
        shown.label += ' <span class="optional">(optional)</span>'
    elif item.kind is not InputKind.MULTI_SELECT:  # a browser would ask for every box
        shown.attrs["required"] = None


def _initial(item: Input, shown: _Shown) -> None:
    values = _values(item)
    first = escape(values[0]) if values else ""
    match item.kind:
        case InputKind.SELECT | InputKind.MULTI_SELECT:
            return  # `_options` marks the chosen ones
        case InputKind.MULTILINE:
            shown.inner = first
        case InputKind.USERS:
            shown.attrs["value"] = escape(", ".join(f"@{user}" for user in values))
        case _:
            shown.attrs["value"] = first


def _placeholder(item: Input, shown: _Shown) -> None:
    match item.kind:
        case InputKind.USERS:
            shown.attrs["placeholder"] = "@ana, @ben"
        case InputKind.CHANNEL:
            shown.attrs["placeholder"] = "#general"
        case InputKind.TEXT | InputKind.MULTILINE if item.placeholder:
            shown.attrs["placeholder"] = escape(item.placeholder)


def _hint(item: Input, shown: _Shown) -> None:
    if item.hint:
        shown.below.append(f'<small class="hint">{escape(item.hint)}</small>')


def _options(item: Input, shown: _Shown) -> None:
    chosen = _values(item)
    if item.kind is InputKind.SELECT:
        empty = "" if chosen else '<option value="">Choose…</option>'
        shown.inner = empty + "".join(
            f'<option value="{escape(o.value)}"{" selected" if o.value in chosen else ""}>'
            f"{escape(o.label)}</option>"
            for o in item.options
        )
    elif item.kind is InputKind.MULTI_SELECT:
        shown.inner = "".join(
            f'<label class="check"><input type="checkbox" name="{escape(item.name)}" '
            f'value="{escape(o.value)}"{" checked" if o.value in chosen else ""}> '
            f"{escape(o.label)}</label>"
            for o in item.options
        )


def _max_length(item: Input, shown: _Shown) -> None:
    if item.max_length and item.kind in (InputKind.TEXT, InputKind.MULTILINE):
        shown.attrs["maxlength"] = str(item.max_length)


def _bound(key: str, value: Callable[[Input], float | None]) -> Callable[[Input, _Shown], None]:
    def rule(item: Input, shown: _Shown) -> None:
        bound = value(item)
        if item.kind is InputKind.NUMBER and bound is not None:
            shown.attrs[key] = f"{bound:g}"

    return rule


# What each field of `Input` becomes in the dialog, applied in this order.
_FIELDS: dict[str, Callable[[Input, _Shown], None]] = {
    "kind": _kind,
    "name": _name,
    "required": _required,
    "initial": _initial,
    "placeholder": _placeholder,
    "max_length": _max_length,
    "min_value": _bound("min", lambda item: item.min_value),
    "max_value": _bound("max", lambda item: item.max_value),
    "options": _options,
    "hint": _hint,
    "label": _label,
}
handles_every_field(Input, _FIELDS, "the playground's dialogs")


def _field(item: Input) -> str:
    shown = _element(item.kind)
    for rule in _FIELDS.values():
        rule(item, shown)
    name = escape(item.name)
    return (
        f'<div class="field" data-field="{name}"><label for="f-{name}">{shown.label}</label>'
        f"{shown.control()}{''.join(shown.below)}"
        f'<p class="error" data-error-for="{name}" role="alert"></p></div>'
    )


def _title(form: Form) -> str:
    return f"<h2>{escape(form.title)}</h2>"


def _intro(form: Form) -> str:
    return f'<p class="intro">{spans(form.intro)}</p>' if form.intro else ""


def _inputs(form: Form) -> str:
    return "".join(_field(item) for item in asked_inputs(form.inputs))


def _buttons(form: Form) -> str:
    return (
        '<div class="dialog-buttons"><button type="button" class="btn cancel">Cancel</button>'
        f'<button type="submit" class="btn primary">{escape(form.submit_label)}</button></div>'
    )


def _kept_on_the_server(form: Form) -> str:
    """`form_id` and `metadata` never reach the page: the playground keeps the form under a
    token (see `Playground.open_dialog`), so nothing the page sends back can change them."""
    return ""


# What each field of `Form` becomes in the dialog, in page order.
_FORM: dict[str, Callable[[Form], str]] = {
    "form_id": _kept_on_the_server,
    "metadata": _kept_on_the_server,
    "title": _title,
    "intro": _intro,
    "inputs": _inputs,
    "submit_label": _buttons,
}
handles_every_field(Form, _FORM, "the playground's dialogs")


def form_html(form: Form) -> str:
    """The fields of a modal dialog; the dialog's title and buttons come with it."""
    return "".join(rule(form) for rule in _FORM.values())
