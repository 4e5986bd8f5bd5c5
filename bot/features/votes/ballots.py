"""Ballot UIs per method, and reading a submitted ballot into the stored payload.

Single choice votes straight from a menu in the poll message; every other method opens a
form pre-filled with the voter's current ballot, so changing a vote starts from it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from bot.events import Submission
from bot.features.votes.tally import (
    MAX_EFFORT,
    MAX_REACH,
    MIN_EFFORT,
    MOSCOW,
    MOSCOW_NAMES,
    Method,
    Payload,
)
from bot.replies import Form, Input, InputKind, Option
from storage.models.votes import Poll
from storage.repositories.votes import items_of

BALLOT_FORM = "vote.ballot"
IMPACTS = (0.25, 0.5, 1.0, 2.0, 3.0)
IMPACT_NAMES = {0.25: "minimal", 0.5: "low", 1.0: "medium", 2.0: "high", 3.0: "massive"}
OPTION_CHARS = 75  # Slack's limit for an option label
RANK_MENUS_UP_TO = 10
ORDER_INPUT = "order"
Errors = dict[str, str]
_ORDER_SEPARATORS = re.compile(r"[\s,;>]+")


def method_of(poll: Poll) -> Method:
    return Method(poll.method)


def short(label: str, limit: int = OPTION_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def item_options(items: Sequence[str]) -> tuple[Option, ...]:
    return tuple(Option(short(f"{i + 1}. {item}"), str(i)) for i, item in enumerate(items))


def ballot_form(poll: Poll, current: Payload | None, support_note: str = "") -> Form:
    """The form a voter fills in; `current` pre-fills it when they vote again."""
    items = items_of(poll)
    build = FORM_INPUTS[method_of(poll)]
    research = ("\n", support_note) if support_note else ()
    numbered = (
        ("\n", "\n".join(f"{i + 1}. {item}" for i, item in enumerate(items)))
        if method_of(poll) is Method.RANKED and compact_ranking(len(items))
        else ()
    )
    return Form(
        form_id=BALLOT_FORM,
        title=short(f"Vote {poll.id}", 24),
        inputs=build(poll, items, current),
        submit_label="Cast ballot",
        metadata=str(poll.id),
        intro=(poll.question, "\n", INSTRUCTIONS[method_of(poll)](poll), *numbered, *research),
    )


def _single_inputs(poll: Poll, items: Sequence[str], current: Payload | None) -> tuple[Input, ...]:
    initial = str(current[0]) if current else None
    return (
        Input(
            "choice", "Your choice", InputKind.SELECT, initial=initial, options=item_options(items)
        ),
    )


def _multi_inputs(poll: Poll, items: Sequence[str], current: Payload | None) -> tuple[Input, ...]:
    initial = tuple(str(i) for i in current) if current else None
    return (
        Input(
            "choices",
            f"Pick up to {poll.max_choices}",
            InputKind.MULTI_SELECT,
            initial=initial,
            options=item_options(items),
        ),
    )


def _dot_inputs(poll: Poll, items: Sequence[str], current: Payload | None) -> tuple[Input, ...]:
    return tuple(
        Input(
            f"dots_{i}",
            short(item),
            InputKind.NUMBER,
            required=False,
            initial=str(current[i]) if current and current[i] else None,
            min_value=0,
            max_value=poll.dots,
        )
        for i, item in enumerate(items)
    )


def compact_ranking(n: int) -> bool:
    """Above `RANK_MENUS_UP_TO` items a ballot is one "order" input, not a menu per rank: n
    menus of n options grow as n², far past what a Teams card holds."""
    return n > RANK_MENUS_UP_TO


def _ranked_inputs(poll: Poll, items: Sequence[str], current: Payload | None) -> tuple[Input, ...]:
    if compact_ranking(len(items)):
        return (
            Input(
                ORDER_INPUT,
                "Your order, best first",
                initial=", ".join(str(i + 1) for i in current) if current else None,
                placeholder="e.g. 3, 1, 2",
                max_length=len(items) * 4,
                hint="Item numbers from the list above, separated by commas. Leave out any you "
                "don't want to rank: they tie at the bottom.",
            ),
        )
    options = item_options(items)
    return tuple(
        Input(
            f"rank_{rank + 1}",
            f"Choice #{rank + 1}",
            InputKind.SELECT,
            required=rank == 0,
            initial=str(current[rank]) if current and rank < len(current) else None,
            options=options,
        )
        for rank in range(len(items))
    )


def _moscow_inputs(poll: Poll, items: Sequence[str], current: Payload | None) -> tuple[Input, ...]:
    options = tuple(Option(MOSCOW_NAMES[c], c) for c in MOSCOW)
    return tuple(
        Input(
            f"item_{i}",
            short(item),
            InputKind.SELECT,
            initial=current[i] if current else None,
            options=options,
        )
        for i, item in enumerate(items)
    )


def _rice_inputs(poll: Poll, items: Sequence[str], current: Payload | None) -> tuple[Input, ...]:
    impacts = tuple(Option(f"{v:g} ({IMPACT_NAMES[v]})", f"{v:g}") for v in IMPACTS)
    inputs: list[Input] = []
    for i, item in enumerate(items):
        r, im, c, e = (f"{v:g}" for v in current[i]) if current else (None,) * 4
        label = short(item, 40)
        inputs += [
            Input(
                f"reach_{i}",
                f"{label}: Reach",
                InputKind.NUMBER,
                initial=r,
                min_value=0,
                max_value=MAX_REACH,
            ),
            Input(f"impact_{i}", f"{label}: Impact", InputKind.SELECT, initial=im, options=impacts),
            Input(
                f"confidence_{i}",
                f"{label}: Confidence %",
                InputKind.NUMBER,
                initial=c,
                min_value=0,
                max_value=100,
            ),
            # No bounds on Effort: bounded whole-number bounds would forbid 0.5 person-months.
            Input(f"effort_{i}", f"{label}: Effort", InputKind.NUMBER, initial=e),
        ]
    return tuple(inputs)


FORM_INPUTS: dict[Method, Callable[[Poll, Sequence[str], Payload | None], tuple[Input, ...]]] = {
    Method.SINGLE: _single_inputs,
    Method.MULTI: _multi_inputs,
    Method.DOT: _dot_inputs,
    Method.RANKED: _ranked_inputs,
    Method.MOSCOW: _moscow_inputs,
    Method.RICE: _rice_inputs,
}

INSTRUCTIONS: dict[Method, Callable[[Poll], str]] = {
    Method.SINGLE: lambda poll: "Pick one item.",
    Method.MULTI: lambda poll: f"Pick up to {poll.max_choices} items.",
    Method.DOT: lambda poll: (
        f"Spread up to {poll.dots} dots; put several on one item if it matters most."
    ),
    Method.RANKED: lambda poll: "Order the items, best first. Unranked items tie at the bottom.",
    Method.MOSCOW: lambda poll: "Classify every item: Must, Should, Could or Won't have.",
    Method.RICE: lambda poll: (
        f"Score every item: Reach (people per period, 0 to {MAX_REACH:,}), Impact (0.25 to 3), "
        f"Confidence (0-100 %), Effort (person-months, {MIN_EFFORT:g} to {MAX_EFFORT:,.0f})."
    ),
}


def read(poll: Poll, submission: Submission) -> Payload | Errors:
    """The ballot the form describes, or the errors to show next to its inputs."""
    return READERS[method_of(poll)](poll, len(items_of(poll)), submission)


def single_choice(n: int, value: str) -> Payload | None:
    index = _index(value, n)
    return None if index is None else [index]


def _index(value: str, n: int) -> int | None:
    return int(value) if value.isdigit() and int(value) < n else None


def _read_single(poll: Poll, n: int, submission: Submission) -> Payload | Errors:
    return single_choice(n, submission.text("choice")) or {"choice": "Pick an item from the list."}


def _read_multi(poll: Poll, n: int, submission: Submission) -> Payload | Errors:
    picked = [_index(value, n) for value in submission.choices("choices")]
    chosen = sorted({i for i in picked if i is not None})
    if len(chosen) != len(picked) or not chosen:
        return {"choices": "Pick at least one item from the list."}
    if len(chosen) > poll.max_choices:
        return {"choices": f"Pick at most {poll.max_choices}; you picked {len(chosen)}."}
    return list(chosen)


def _read_dots(poll: Poll, n: int, submission: Submission) -> Payload | Errors:
    counts: list[int] = []
    errors: Errors = {}
    for i in range(n):
        dots = whole_number(submission.text(f"dots_{i}") or "0")
        if dots is None or not 0 <= dots <= poll.dots:
            errors[f"dots_{i}"] = f"Use a whole number of dots, from 0 to {poll.dots}."
        counts.append(dots or 0)
    if errors:
        return errors
    total = sum(counts)
    if total == 0:
        return {"dots_0": f"Place at least one of your {poll.dots} dots."}
    if total > poll.dots:
        return {"dots_0": f"You placed {total} dots; you have {poll.dots}."}
    return counts


def _read_order(poll: Poll, n: int, submission: Submission) -> Payload | Errors:
    """ "3, 1, 2" (commas, spaces or ">" between): item numbers, best first."""
    items = items_of(poll)
    order: list[int] = []
    for token in _ORDER_SEPARATORS.split(submission.text(ORDER_INPUT)):
        if not token:
            continue
        number = int(token) if token.isdigit() else 0
        if not 1 <= number <= n:
            return {ORDER_INPUT: f"“{token[:10]}” isn't an item number; use 1 to {n}."}
        if number - 1 in order:
            return {ORDER_INPUT: f"{number} (“{short(items[number - 1], 40)}”) is listed twice."}
        order.append(number - 1)
    if not order:
        return {ORDER_INPUT: "Rank at least your first choice, e.g. 3, 1, 2."}
    return order


def _read_ranked(poll: Poll, n: int, submission: Submission) -> Payload | Errors:
    if compact_ranking(n):
        return _read_order(poll, n, submission)
    order: list[int] = []
    items = items_of(poll)
    for rank in range(1, n + 1):
        value = submission.text(f"rank_{rank}")
        if not value:
            continue
        index = _index(value, n)
        if index is None:
            return {f"rank_{rank}": "Pick an item from the list."}
        if index in order:
            return {f"rank_{rank}": f"“{short(items[index], 40)}” is already ranked higher."}
        order.append(index)
    if not order:
        return {"rank_1": "Rank at least your first choice."}
    return order


def _read_moscow(poll: Poll, n: int, submission: Submission) -> Payload | Errors:
    picks = [submission.text(f"item_{i}").upper() for i in range(n)]
    errors = {
        f"item_{i}": "Choose Must, Should, Could or Won't."
        for i, pick in enumerate(picks)
        if pick not in MOSCOW
    }
    return errors or list(picks)


def _read_rice(poll: Poll, n: int, submission: Submission) -> Payload | Errors:
    scores: list[list[float]] = []
    errors: Errors = {}
    for i in range(n):
        values = [_number(submission.text(f"{part}_{i}")) for part in RICE_PARTS]
        for part, value in zip(RICE_PARTS, values, strict=True):
            problem = RICE_RULES[part](value)
            if problem:
                errors[f"{part}_{i}"] = problem
        scores.append([v if v is not None else 0.0 for v in values])
    return errors or list(scores)


def whole_number(raw: str) -> int | None:
    """Whole numbers however a platform sends them ("3", "3.0"); None for anything else."""
    value = _number(raw)
    return int(value) if value is not None and value.is_integer() else None


def _number(raw: str) -> float | None:
    try:
        value = float(raw.replace("%", "").replace(" ", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


RICE_PARTS = ("reach", "impact", "confidence", "effort")
RICE_RULES: dict[str, Callable[[float | None], str | None]] = {
    "reach": lambda v: (
        None
        if v is not None and 0 <= v <= MAX_REACH
        else f"Reach is a number, 0 or more, up to {MAX_REACH:,}."
    ),
    "impact": lambda v: None if v in IMPACTS else "Impact is one of 0.25, 0.5, 1, 2 or 3.",
    "confidence": lambda v: (
        None if v is not None and 0 <= v <= 100 else "Confidence is a percentage from 0 to 100."
    ),
    "effort": lambda v: (
        None
        if v is not None and MIN_EFFORT <= v <= MAX_EFFORT
        else f"Effort is a number above 0, from {MIN_EFFORT:g} to {MAX_EFFORT:,.0f} person-months."
    ),
}

READERS: dict[Method, Callable[[Poll, int, Submission], Payload | Errors]] = {
    Method.SINGLE: _read_single,
    Method.MULTI: _read_multi,
    Method.DOT: _read_dots,
    Method.RANKED: _read_ranked,
    Method.MOSCOW: _read_moscow,
    Method.RICE: _read_rice,
}


def describe(method: Method, items: Sequence[str], ballot: Payload) -> str:
    """A ballot in words: the voter's confirmation, exports of open (non-anonymous) votes."""
    if method in (Method.SINGLE, Method.MULTI):
        return "; ".join(items[i] for i in ballot)
    if method is Method.DOT:
        return "; ".join(f"{items[i]} x{n}" for i, n in enumerate(ballot) if n)
    if method is Method.RANKED:
        return " > ".join(items[i] for i in ballot)
    if method is Method.MOSCOW:
        return "; ".join(f"{items[i]}: {MOSCOW_NAMES[c]}" for i, c in enumerate(ballot))
    return "; ".join(
        f"{items[i]}: R {r:g} I {im:g} C {c:g}% E {e:g}" for i, (r, im, c, e) in enumerate(ballot)
    )
