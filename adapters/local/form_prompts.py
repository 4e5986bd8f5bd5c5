"""How the console asks a form: one rule per field of `Input` and of `Form`.

As on Slack and Teams, `handles_every_field` checks both tables when this module is imported,
so a field added to the core form model stops the application until the console handles it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from adapters.form_fields import handles_every_field
from adapters.local.render import spans_to_text
from bot.replies import Form, Input, InputKind

CANCEL = ":cancel"


@dataclass
class Prompt:
    """How one field is asked: lines said first (numbered choices), then the prompt's label."""

    label: str = ""
    before: list[str] = field(default_factory=list)


def _label(spec: Input, prompt: Prompt) -> None:
    prompt.label = spec.label + prompt.label


def _required(spec: Input, prompt: Prompt) -> None:
    """Shown as "(optional)"; `parse_answer` refuses an empty answer to a required one."""
    if not spec.required:
        prompt.label += " (optional)"


def _options(spec: Input, prompt: Prompt) -> None:
    """Listed by number; `parse_answer` takes numbers, values or labels."""
    if spec.options:
        prompt.before += [f"    {i}. {option.label}" for i, option in enumerate(spec.options, 1)]
        many = spec.kind is InputKind.MULTI_SELECT
        prompt.label += " — number" + ("s, comma-separated" if many else "")


def _hint(spec: Input, prompt: Prompt) -> None:
    if spec.hint:
        prompt.label += f" ({spec.hint})"


def _on_answer(spec: Input, prompt: Prompt) -> None:
    """Not part of the prompt: `parse_answer` applies it to what was typed (kind, max_length,
    min_value, max_value), the values are keyed by `name`, and `initial` is the [default]."""


def _not_shown(spec: Input, prompt: Prompt) -> None:
    """A terminal shows the [default] instead; placeholder text there would read as an answer."""


# How each field of `Input` is asked and checked in the terminal, applied in this order.
_FIELDS: dict[str, Callable[[Input, Prompt], None]] = {
    "required": _required,
    "label": _label,
    "options": _options,
    "hint": _hint,
    "placeholder": _not_shown,
    "name": _on_answer,
    "kind": _on_answer,
    "initial": _on_answer,
    "max_length": _on_answer,
    "min_value": _on_answer,
    "max_value": _on_answer,
}
handles_every_field(Input, _FIELDS, "console forms")


def _title(form: Form) -> list[str]:
    return [
        f"== {form.title} ==  (Enter keeps the [default]; '-' empties an optional "
        f"field; {CANCEL} leaves the form)"
    ]


def _intro(form: Form) -> list[str]:
    return [spans_to_text(form.intro)] if form.intro else []


def _said_elsewhere(form: Form) -> list[str]:
    """Not said up front: the inputs are asked one by one, answering the last one submits (no
    button to label), and `form_id` and `metadata` travel in the `Submission`."""
    return []


# What each field of `Form` says when the form opens, in this order.
_FORM: dict[str, Callable[[Form], list[str]]] = {
    "title": _title,
    "intro": _intro,
    "inputs": _said_elsewhere,
    "submit_label": _said_elsewhere,
    "form_id": _said_elsewhere,
    "metadata": _said_elsewhere,
}
handles_every_field(Form, _FORM, "console forms")


def prompt_for(spec: Input) -> Prompt:
    prompt = Prompt()
    for rule in _FIELDS.values():
        rule(spec, prompt)
    return prompt


def opening(form: Form) -> list[str]:
    """What is said when the form opens, before its first field is asked."""
    return [line for rule in _FORM.values() for line in rule(form)]
