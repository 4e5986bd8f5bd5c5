"""Forms as terminal prompts, checked the way the platforms' pickers check them.

A Slack date picker cannot send "2026-13-45" and a time picker cannot send "25:99", so each
such field is re-asked on the spot; what the bot refuses is re-asked field by field, starting
from what was typed. Forms with one row of fields per item (a RICE ballot) take one line per
item instead of one prompt per field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol, assert_never

from adapters.local.form_prompts import CANCEL, opening, prompt_for
from adapters.local.render import asked_inputs
from bot.events import Actor, Conversation, FormValue, Submission
from bot.replies import Form, FormErrors, Input, InputKind
from bot.timezones import clock_text, parse_clock

_ROW_NAME = re.compile(r"^(?P<column>[a-z]+)_(?P<row>\d+)$")
_SEPARATORS = re.compile(r"[\s,;]+")


class Screen(Protocol):
    def say(self, text: str) -> None: ...

    async def ask(self, prompt: str) -> str | None: ...


class Cancelled(Exception):
    """`:cancel`, or the input ended in the middle of a form."""


class Invalid(Exception):
    """An answer this field cannot take; the message says what it can."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Row:
    """Several fields about one item (Reach, Impact, Confidence, Effort of one RICE item)."""

    label: str
    inputs: tuple[Input, ...]


Step = Input | Row


class FormFiller:
    def __init__(self, form: Form, screen: Screen) -> None:
        self.form = form
        self.screen = screen
        self.values: dict[str, FormValue] = {
            spec.name: list(spec.initial) if isinstance(spec.initial, tuple) else spec.initial
            for spec in form.inputs
        }
        self.errors: dict[str, str] = {}
        self.steps = _steps(asked_inputs(form.inputs))

    async def ask(self) -> dict[str, FormValue]:
        """Asks every field the first time, then only the refused ones (with their message)."""
        if not self.errors:
            self._introduce()
        legend_shown = False
        for step in self.steps:
            names = [step.name] if isinstance(step, Input) else [s.name for s in step.inputs]
            if self.errors and not any(name in self.errors for name in names):
                continue
            for name in names:
                if self.errors.get(name):
                    self.screen.say(f"  ! {self.errors[name]}")
            if isinstance(step, Input):
                self.values[step.name] = await self._field(step)
                continue
            if not legend_shown:
                self.screen.say(f"  One line per item: {row_legend(step)} (Enter keeps [them]).")
                legend_shown = True
            self.values.update(await self._row(step))
        return dict(self.values)

    def submission(
        self, values: dict[str, FormValue], actor: Actor, where: Conversation
    ) -> Submission:
        return Submission(self.form.form_id, values, actor, where, self.form.metadata)

    def refused(self, outcome: FormErrors) -> None:
        """The bot refused some values: they are asked again on the next `ask`."""
        known = {spec.name for spec in self.form.inputs}
        self.errors = {name: message for name, message in outcome.errors.items() if name in known}
        stray = [message for name, message in outcome.errors.items() if name not in known]
        for message in stray:
            self.screen.say(f"  ! {message}")
        if not self.errors:  # nothing to re-ask: show the whole form again
            self.errors = {spec.name: "" for spec in self.form.inputs}

    def _introduce(self) -> None:
        for line in opening(self.form):
            self.screen.say(line)

    async def _field(self, spec: Input) -> FormValue:
        current = self.values.get(spec.name)
        prompt = prompt_for(spec)
        for line in prompt.before:
            self.screen.say(line)
        label = prompt.label
        if spec.kind is InputKind.MULTILINE:
            return await self._multiline(label, current)
        shown = _shown(spec, current)
        while True:
            answer = await self._read(f"  {label}{f' [{shown}]' if shown else ''}: ")
            try:
                return parse_answer(spec, answer.strip(), current)
            except Invalid as refusal:
                self.screen.say(f"  {refusal.message}")

    async def _multiline(self, label: str, current: FormValue) -> FormValue:
        kept = current if isinstance(current, str) else ""
        self.screen.say(f"  {label} — several lines; finish with a line holding only '.'")
        if kept:
            self.screen.say(f"  [a '.' on its own keeps:]\n{kept}")
        lines: list[str] = []
        while (line := await self._read("  | ")) is not None:
            if line.strip() == ".":
                return "\n".join(lines) if lines else kept or None
            lines.append(line)
        raise Cancelled  # pragma: no cover - _read raises first

    async def _row(self, row: Row) -> dict[str, FormValue]:
        shown = " ".join(_shown(spec, self.values.get(spec.name)) or "?" for spec in row.inputs)
        while True:
            answer = await self._read(f"  {row.label} [{shown}]: ")
            try:
                return self._parse_row(row, answer.strip())
            except Invalid as refusal:
                self.screen.say(f"  {refusal.message}")

    def _parse_row(self, row: Row, answer: str) -> dict[str, FormValue]:
        if not answer:
            return {spec.name: self.values.get(spec.name) for spec in row.inputs}
        parts = [part for part in _SEPARATORS.split(answer) if part]
        if len(parts) != len(row.inputs):
            names = ", ".join(_column(spec) for spec in row.inputs)
            raise Invalid(f"Give {len(row.inputs)} values in this order: {names}.")
        values: dict[str, FormValue] = {}
        for spec, part in zip(row.inputs, parts, strict=True):
            try:
                values[spec.name] = parse_answer(spec, part, None, by_value=True)
            except Invalid as refusal:
                raise Invalid(f"{_column(spec)}: {refusal.message}") from None
        return values

    async def _read(self, prompt: str) -> str:
        answer = await self.screen.ask(prompt)
        if answer is None or answer.strip() == CANCEL:
            raise Cancelled
        return answer


def _steps(inputs: Sequence[Input]) -> list[Step]:
    """The fields in order, with runs of `column_N` fields about the same item N as rows."""
    steps: list[Step] = []
    index = 0
    while index < len(inputs):
        run = _row_run(inputs, index)
        if len(run) > 1:
            label = run[0].label.partition(": ")[0]
            steps.append(Row(label, tuple(run)))
            index += len(run)
        else:
            steps.append(inputs[index])
            index += 1
    if sum(isinstance(step, Row) for step in steps) < 2:  # a single "row" is just fields
        return list(inputs)
    return steps


def _row_run(inputs: Sequence[Input], start: int) -> list[Input]:
    first = _ROW_NAME.match(inputs[start].name)
    if first is None or ": " not in inputs[start].label:
        return [inputs[start]]
    run = [inputs[start]]
    for spec in inputs[start + 1 :]:
        match = _ROW_NAME.match(spec.name)
        if match is None or match["row"] != first["row"] or spec.kind is InputKind.MULTILINE:
            break
        run.append(spec)
    return run


def row_legend(row: Row) -> str:
    return ", ".join(_column(spec) for spec in row.inputs)


def _column(spec: Input) -> str:
    column = spec.label.partition(": ")[2] or spec.name
    if spec.options:
        column += " (" + "/".join(option.value for option in spec.options) + ")"
    return column


def _shown(spec: Input, value: FormValue) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        labels = {option.value: option.label for option in spec.options}
        return ", ".join(labels.get(item, item) for item in value)
    labels = {option.value: option.label for option in spec.options}
    return labels.get(value, value) if spec.kind is not InputKind.NUMBER else value


def parse_answer(
    spec: Input, answer: str, current: FormValue, *, by_value: bool = False
) -> FormValue:
    """One typed answer as the platform's input would send it; `Invalid` says what is wrong."""
    if answer == "-":
        if spec.required:
            raise Invalid("This one is required.")
        return None
    if not answer:
        if current not in (None, "", []):
            return current
        if spec.required:
            raise Invalid("Please answer this one (or :cancel to leave the form).")
        return None
    match spec.kind:
        case InputKind.SELECT | InputKind.MULTI_SELECT:
            if not spec.options:  # no menu to pick from: free text, as Slack falls back to
                return _text(spec, answer)
            chosen = _option_values(spec, answer, by_value=by_value)
            return chosen if spec.kind is InputKind.MULTI_SELECT else chosen[0]
        case InputKind.USERS:
            return [name.lstrip("@") for name in _SEPARATORS.split(answer) if name.lstrip("@")]
        case InputKind.CHANNEL:
            return answer.lstrip("#")
        case InputKind.DATE:
            return _date(answer)
        case InputKind.TIME:
            return _time(answer)
        case InputKind.NUMBER:
            return _number(spec, answer)
        case InputKind.TEXT | InputKind.MULTILINE:
            return _text(spec, answer)
        case _:
            assert_never(spec.kind)


def _text(spec: Input, answer: str) -> str:
    if spec.max_length is not None and len(answer) > spec.max_length:
        raise Invalid(f"Up to {spec.max_length:,} characters, please.")
    return answer


def _option_values(spec: Input, answer: str, *, by_value: bool) -> list[str]:
    by_label = {option.label.casefold(): option.value for option in spec.options}
    values = {option.value for option in spec.options}
    chosen: list[str] = []
    for part in (p.strip() for p in answer.split(",") if p.strip()):
        if by_value and part in values:
            chosen.append(part)
        elif part.isdigit() and 1 <= int(part) <= len(spec.options):
            chosen.append(spec.options[int(part) - 1].value)
        elif part in values:
            chosen.append(part)
        elif part.casefold() in by_label:
            chosen.append(by_label[part.casefold()])
        else:
            raise Invalid(f"“{part}” is not one of the choices.")
    if not chosen:
        raise Invalid("Pick at least one of the choices.")
    if spec.kind is InputKind.SELECT and len(chosen) > 1:
        raise Invalid("Pick just one.")
    return chosen


def _date(answer: str) -> str:
    try:
        return date.fromisoformat(answer).isoformat()
    except ValueError:
        raise Invalid("Use a date like 2026-12-24 (year-month-day).") from None


def _time(answer: str) -> str:
    """What a time picker would send, read as leniently as commands read times."""
    at = parse_clock(answer)
    if at is None:
        raise Invalid("Use a time like 09:30, 9am or 4:30 pm.")
    return clock_text(at)


def _number(spec: Input, answer: str) -> str:
    try:
        value = float(answer)
    except ValueError:
        raise Invalid("Use a number, e.g. 3 or 0.5.") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise Invalid("Use a number, e.g. 3 or 0.5.")
    if spec.min_value is not None and value < spec.min_value:
        raise Invalid(f"Use {spec.min_value:g} or more.")
    if spec.max_value is not None and value > spec.max_value:
        raise Invalid(f"Use {spec.max_value:g} or less.")
    return answer
