"""Sample inputs of every kind, a value unlike the default for every field of `Input`, and a
realistic answer per kind: what the form tests of every adapter iterate over.

A field or kind added to the core model without a sample here fails these helpers loudly
(`KeyError` with the missing name), so the tests that use them can never skip it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, replace
from typing import Any

from bot.events import FormValue
from bot.replies import Form, Input, InputKind, Option

COLOURS = (Option("Red", "red"), Option("Blue", "blue"), Option("Green", "green"))

# What a person would type or pick, as the core reads it back.
ANSWERS: dict[InputKind, FormValue] = {
    InputKind.TEXT: "Ship the beta",
    InputKind.MULTILINE: "First line\nsecond line & <more>",
    InputKind.SELECT: "green",
    InputKind.MULTI_SELECT: ["red", "green"],
    InputKind.NUMBER: "7",
    InputKind.DATE: "2026-12-31",
    InputKind.TIME: "17:45",
    InputKind.USERS: ["U0ANN", "U0BOB"],
    InputKind.CHANNEL: "C0PLANS",
}

# A pre-filled value per kind, different from the answer above.
INITIALS: dict[InputKind, str | tuple[str, ...]] = {
    InputKind.TEXT: "Draft",
    InputKind.MULTILINE: "one\ntwo",
    InputKind.SELECT: "blue",
    InputKind.MULTI_SELECT: ("blue",),
    InputKind.NUMBER: "3",
    InputKind.DATE: "2026-12-24",
    InputKind.TIME: "09:30",
    InputKind.USERS: ("U0CAT",),
    InputKind.CHANNEL: "C0OLD",
}


def plain_input(kind: InputKind, name: str | None = None) -> Input:
    """An input of `kind` with every field at its default (menus get their options)."""
    menu = kind in (InputKind.SELECT, InputKind.MULTI_SELECT)
    return Input(
        name or f"in_{kind.value}", f"The {kind.value}", kind, options=COLOURS if menu else ()
    )


# For every field of `Input`: the input with that field changed from `plain_input`'s.
VARIATIONS: dict[str, Callable[[Input], Input]] = {
    "name": lambda item: replace(item, name=f"{item.name}_renamed"),
    "label": lambda item: replace(item, label="A different label"),
    "kind": lambda item: replace(
        item, kind=InputKind.DATE if item.kind is not InputKind.DATE else InputKind.TIME
    ),
    "required": lambda item: replace(item, required=not item.required),
    "initial": lambda item: replace(item, initial=INITIALS[item.kind]),
    "placeholder": lambda item: replace(item, placeholder="Type here"),
    "hint": lambda item: replace(item, hint="Shown under the input"),
    "options": lambda item: replace(item, options=(*item.options, Option("Pink", "pink"))),
    "max_length": lambda item: replace(item, max_length=42),
    "min_value": lambda item: replace(item, min_value=1),
    "max_value": lambda item: replace(item, max_value=9),
}


def input_fields() -> list[str]:
    return [item.name for item in fields(Input)]


def varied(item: Input, field_name: str) -> Input:
    """`item` with `field_name` changed; fails loudly for a field no one gave a sample for."""
    if field_name not in VARIATIONS:
        raise KeyError(f"tests/forms/samples.py: give Input.{field_name} a variation")
    return VARIATIONS[field_name](item)


def everything_form(kind: InputKind) -> Form:
    """A form with one input of `kind` where every field differs from its default."""
    item = plain_input(kind)
    for name in input_fields():
        if name not in ("name", "kind"):
            item = varied(item, name)
    return Form("samples.everything", "Every field", (item,), metadata="m-1")


def answer_for(kind: InputKind) -> FormValue:
    if kind not in ANSWERS:
        raise KeyError(f"tests/forms/samples.py: give InputKind.{kind.name} an answer")
    return ANSWERS[kind]


def jsonable(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


# For every field of `Form`: the form with that field changed.
FORM_VARIATIONS: dict[str, Callable[[Form], Form]] = {
    "form_id": lambda form: replace(form, form_id="samples.other"),
    "title": lambda form: replace(form, title="Another title"),
    "inputs": lambda form: replace(
        form, inputs=(*form.inputs, plain_input(InputKind.TEXT, "more"))
    ),
    "submit_label": lambda form: replace(form, submit_label="Send it"),
    "metadata": lambda form: replace(form, metadata="m-other"),
    "intro": lambda form: replace(form, intro=("Read this first.",)),
}


def varied_form(form: Form, field_name: str) -> Form:
    if field_name not in FORM_VARIATIONS:
        raise KeyError(f"tests/forms/samples.py: give Form.{field_name} a variation")
    return FORM_VARIATIONS[field_name](form)
