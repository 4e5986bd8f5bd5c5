"""The copy of a form the server keeps for a Teams dialog (`storage.repositories.teams_dialogs`),
as JSON: every field of `Form` and `Input` through one table each, checked against the model
when this module is imported, so a field added to the core is kept or the app does not start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from adapters.form_fields import handles_every_field
from bot.replies import Bold, Code, Form, Input, InputKind, Italic, Mention, Option, Span


def form_to_data(form: Form) -> dict[str, Any]:
    """A JSON-safe copy of a form (spans tagged by kind), as the server keeps it for a dialog:
    every field of `Form` and `Input`, through `_STORED_FORM` and `_STORED_INPUT`."""
    return _write(form, _STORED_FORM)


def form_from_data(data: Mapping[str, Any]) -> Form:
    """The inverse of `form_to_data`; raises ValueError/KeyError/TypeError on a mangled copy.
    A field the copy lacks (kept before the field existed) takes the model's default."""
    return Form(**_read(_STORED_FORM, data))


@dataclass(frozen=True)
class _Stored:
    """How one field of the form model is kept as JSON, and read back."""

    to_data: Callable[[Any], Any]
    from_data: Callable[[Any], Any]


def _write(model: Any, table: Mapping[str, _Stored]) -> dict[str, Any]:
    return {
        item.name: table[item.name].to_data(getattr(model, item.name)) for item in fields(model)
    }


def _read(table: Mapping[str, _Stored], data: Mapping[str, Any]) -> dict[str, Any]:
    return {name: stored.from_data(data[name]) for name, stored in table.items() if name in data}


def _span_to_data(span: Span) -> dict[str, str]:
    match span:
        case str():
            return {"t": "s", "x": span}
        case Bold():
            return {"t": "b", "x": span.text}
        case Italic():
            return {"t": "i", "x": span.text}
        case Code():
            return {"t": "c", "x": span.text}
        case Mention():
            return {"t": "m", "x": span.name, "u": span.user_id}


def _span_from_data(data: Mapping[str, str]) -> Span:
    kind, value = data["t"], str(data["x"])
    if kind == "b":
        return Bold(value)
    if kind == "i":
        return Italic(value)
    if kind == "c":
        return Code(value)
    if kind == "m":
        return Mention(str(data["u"]), value)
    return value


def _same(value: Any) -> Any:
    return value


def _initial_to_data(value: str | tuple[str, ...] | None) -> str | list[str] | None:
    return list(value) if isinstance(value, tuple) else value


def _initial_from_data(value: Any) -> str | tuple[str, ...] | None:
    return tuple(str(part) for part in value) if isinstance(value, list) else value


_TEXT = _Stored(_same, str)
_AS_IS = _Stored(_same, _same)
_STORED_INPUT: dict[str, _Stored] = {
    "name": _TEXT,
    "label": _TEXT,
    "kind": _Stored(lambda kind: kind.value, InputKind),
    "required": _Stored(_same, bool),
    "initial": _Stored(_initial_to_data, _initial_from_data),
    "placeholder": _TEXT,
    "hint": _TEXT,
    "options": _Stored(
        lambda options: [[option.label, option.value] for option in options],
        lambda pairs: tuple(Option(str(label), str(value)) for label, value in pairs),
    ),
    "max_length": _AS_IS,
    "min_value": _AS_IS,
    "max_value": _AS_IS,
}
_STORED_FORM: dict[str, _Stored] = {
    "form_id": _TEXT,
    "title": _TEXT,
    "inputs": _Stored(
        lambda inputs: [_write(item, _STORED_INPUT) for item in inputs],
        lambda inputs: tuple(Input(**_read(_STORED_INPUT, item)) for item in inputs),
    ),
    "submit_label": _TEXT,
    "metadata": _TEXT,
    "intro": _Stored(
        lambda spans: [_span_to_data(span) for span in spans],
        lambda spans: tuple(_span_from_data(span) for span in spans),
    ),
}
handles_every_field(Input, _STORED_INPUT, "Teams dialogs kept on the server")
handles_every_field(Form, _STORED_FORM, "Teams dialogs kept on the server")
