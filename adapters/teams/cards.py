"""The core reply tree as Adaptive Cards (schema 1.5). Pure functions: no I/O, no botbuilder.

Safety: every plain `str` span is user data and is escaped, so it cannot become a markdown link,
formatting, a heading/list, an `<at>` mention or HTML. Only spans the bot made (Bold, Italic,
Code, Mention) produce markup. Mentions become real Teams mention entities (`msteams.entities`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, assert_never

from adapters.form_fields import handles_every_field
from adapters.teams.limits import weight, wire_weight
from bot.replies import (
    Actions,
    Bars,
    Block,
    Bold,
    Button,
    ButtonStyle,
    Code,
    Divider,
    Fields,
    Form,
    Heading,
    Input,
    InputKind,
    Italic,
    Mention,
    Option,
    Preformatted,
    Reply,
    Select,
    SmallPrint,
    Span,
    Text,
)

CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"

# Keys the bot puts in Action.Submit / Action.Execute data; Teams merges input values beside them.
ACTION_KEY = "alignbot_action"
SELECT_KEY = "alignbot_select"
# Action.Submit data that makes Teams open a dialog (`task/fetch` invoke) instead of posting.
OPENS_DIALOG = {"msteams": {"type": "task/fetch"}}
PEOPLE_DATASET = "graph.microsoft.com/users"
# Each card's JSON stays well under Teams' limit (`limits.MAX_UTF8`), leaving room for the
# activity around it; `limits.weight` also counts the UTF-16 budget.
CARD_BUDGET = 24_000
MAX_ACTIONS = 6  # Teams' host config shows at most six actions in one set
SHORTENED = "(Shortened: the full answer is too long for one Teams card.)"
NBSP = "\u00a0"

_ESCAPES = str.maketrans({char: "\\" + char for char in "\\*_[]()<>#`~"})
_LEADING_MARK = re.compile(r"^(\s*)([-+=|])")
_LEADING_NUMBER = re.compile(r"^(\s*\d+)\.")
_STYLES = {ButtonStyle.PRIMARY: "positive", ButtonStyle.DANGER: "destructive"}


def escape(value: str) -> str:
    """User text made inert: markdown specials backslash-escaped, list/heading starts defused."""
    return "\n\n".join(_escape_line(line) for line in value.replace("\r\n", "\n").split("\n"))


def _escape_line(line: str) -> str:
    escaped = line.translate(_ESCAPES)
    head = escaped.lstrip()[:1]
    if head in ("-", "+", "=", "|"):
        return _LEADING_MARK.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", escaped, count=1)
    if head.isdigit():
        return _LEADING_NUMBER.sub(lambda m: f"{m.group(1)}\\.", escaped, count=1)
    return escaped


def _plain_name(name: str) -> str:
    """A display name fit for `<at>…</at>`: no angle brackets, no line breaks."""
    return " ".join(name.replace("<", "").replace(">", "").split())


@dataclass
class _Mentions:
    """Mention entities collected while rendering, attached to the card once."""

    entities: list[dict[str, Any]] = field(default_factory=list)

    def add(self, mention: Mention) -> str:
        label = _plain_name(mention.name) or mention.user_id
        tag = f"<at>{label}</at>"
        entity = {
            "type": "mention",
            "text": tag,
            "mentioned": {"id": mention.user_id, "name": label},
        }
        if entity not in self.entities:
            self.entities.append(entity)
        return tag


def spans_markdown(spans: Iterable[Span], mentions: _Mentions | None = None) -> str:
    """Teams markdown for spans; without `mentions` a Mention is the person's name in bold."""
    out: list[str] = []
    for span in spans:
        match span:
            case str():
                out.append(escape(span))
            case Bold():
                out.append(f"**{escape(span.text)}**")
            case Italic():
                out.append(f"_{escape(span.text)}_")
            case Code():
                # Cards render no code spans: show the backticks, and keep the inside inert,
                # since bot-made code often quotes what a user typed.
                out.append(escape("`" + span.text.replace("`", "'") + "`"))
            case Mention():
                if mentions is None:
                    out.append(f"**{escape(span.name or span.user_id)}**")
                else:
                    out.append(mentions.add(span))
    return "".join(out)


def _monospace_line(line: str) -> dict[str, Any]:
    """One line of a chart or table: spaces kept (non-breaking) so columns stay aligned."""
    return {
        "type": "TextBlock",
        "text": escape(line).replace(" ", NBSP) or NBSP,
        "fontType": "Monospace",
        "wrap": False,
        "spacing": "None",
    }


def _heading(value: str) -> dict[str, Any]:
    return {
        "type": "TextBlock",
        "text": escape(value),
        "size": "Large",
        "weight": "Bolder",
        "wrap": True,
    }


def _submit(title: str, data: dict[str, Any], style: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "Action.Submit", "title": title, "data": data}
    if style:
        action["style"] = style
    return action


def _button(button: Button) -> dict[str, Any]:
    data: dict[str, Any] = {ACTION_KEY: button.action_id, "value": button.value}
    if button.opens_form:
        data.update(OPENS_DIALOG)
    action = _submit(button.label, data, _STYLES.get(button.style))
    action["associatedInputs"] = "none"  # a button never waits on a select elsewhere in the card
    return action


def _choices(options: Sequence[Option]) -> list[dict[str, str]]:
    return [{"title": option.label, "value": option.value} for option in options]


def _select(select: Select, number: int) -> list[dict[str, Any]]:
    input_id = f"{SELECT_KEY}_{number}"
    choice_set = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "style": "compact",
        "placeholder": select.placeholder,
        "choices": _choices(select.options),
    }
    submit = _submit("Choose", {ACTION_KEY: select.action_id, SELECT_KEY: input_id})
    return [choice_set, {"type": "ActionSet", "actions": [submit]}]


def _action_sets(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Buttons in ActionSets of at most `MAX_ACTIONS`: Teams hides any beyond that."""
    return [
        {"type": "ActionSet", "actions": actions[start : start + MAX_ACTIONS]}
        for start in range(0, len(actions), MAX_ACTIONS)
    ]


def _actions(block: Actions, counter: list[int]) -> list[dict[str, Any]]:
    """Consecutive buttons share ActionSets; each select is a dropdown with its own submit."""
    elements: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    for element in block.elements:
        if isinstance(element, Button):
            pending.append(_button(element))
            continue
        elements.extend(_action_sets(pending))
        pending = []
        counter[0] += 1
        elements.extend(_select(element, counter[0]))
    elements.extend(_action_sets(pending))
    return elements


def _block(block: Block, mentions: _Mentions, counter: list[int]) -> list[dict[str, Any]]:
    match block:
        case Heading():
            return [_heading(block.text)]
        case Text():
            return [
                {"type": "TextBlock", "text": spans_markdown(block.spans, mentions), "wrap": True}
            ]
        case SmallPrint():
            return [
                {
                    "type": "TextBlock",
                    "text": spans_markdown(block.spans, mentions),
                    "wrap": True,
                    "size": "Small",
                    "isSubtle": True,
                }
            ]
        case Fields():
            facts = [
                {"title": escape(item.label), "value": spans_markdown(item.value)}
                for item in block.items
            ]
            return [{"type": "FactSet", "facts": facts}]
        case Bars():
            title = (
                [
                    {
                        "type": "TextBlock",
                        "text": escape(block.title),
                        "weight": "Bolder",
                        "wrap": True,
                    }
                ]
                if block.title
                else []
            )
            return title + [_monospace_line(line) for line in block.lines()]
        case Preformatted():
            return [_monospace_line(line) for line in block.text.splitlines()]
        case Actions():
            return _actions(block, counter)
        case Divider():
            return []


def _card(body: list[dict[str, Any]], mentions: _Mentions) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if mentions.entities:
        card["msteams"]["entities"] = mentions.entities
    return card


def reply_card(reply: Reply) -> dict[str, Any]:
    """A message reply as one card; a Divider draws a separator above the next block."""
    mentions = _Mentions()
    counter = [0]
    body: list[dict[str, Any]] = []
    separate = False
    for block in reply.blocks:
        if isinstance(block, Divider):
            separate = bool(body)
            continue
        rendered = _block(block, mentions, counter)
        if rendered and separate:
            rendered[0] = {**rendered[0], "separator": True, "spacing": "Medium"}
            separate = False
        body.extend(rendered)
    if not body:
        body.append({"type": "TextBlock", "text": escape(reply.fallback), "wrap": True})
    return _card(body, mentions)


def reply_cards(reply: Reply, budget: int = CARD_BUDGET) -> list[dict[str, Any]]:
    """The reply as one card, or as several in order when one would be too big for Teams."""
    card = reply_card(reply)
    if _size(card) <= budget:
        return [card]
    entities: list[dict[str, Any]] = card["msteams"].get("entities", [])
    room = budget - _size(_card([], _Mentions(entities)))  # the envelope takes its share
    chunks: list[list[dict[str, Any]]] = [[]]
    used = 0
    for element in _fitting(card["body"], room // 2):
        size = _size(element) + 2  # plus the ", " between elements
        if chunks[-1] and used + size > room:
            chunks.append([])
            used = 0
        chunks[-1].append(element)
        used += size
    return [_card(chunk, _Mentions(_used_by(chunk, entities))) for chunk in chunks]


def single_card(reply: Reply, budget: int = CARD_BUDGET) -> dict[str, Any]:
    """Exactly one card (an update in place): the first part, marked when something was cut."""
    first, *rest = reply_cards(reply, budget)
    if rest:
        first["body"].append(
            {
                "type": "TextBlock",
                "text": escape(SHORTENED),
                "size": "Small",
                "isSubtle": True,
                "wrap": True,
            }
        )
    return first


def notice_card(message: str) -> dict[str, Any]:
    """A card with one line of the bot's own text (already safe, so not escaped)."""
    return _card([{"type": "TextBlock", "text": message, "wrap": True}], _Mentions())


def _size(value: Any) -> int:
    return weight(value)


def _fitting(body: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Splits any text block bigger than `limit` bytes into several consecutive ones."""
    out: list[dict[str, Any]] = []
    for element in body:
        if element.get("type") != "TextBlock" or _size(element) <= limit:
            out.append(element)
            continue
        for index, piece in enumerate(_pieces(element["text"], limit // 2)):
            part = {**element, "text": piece}
            if index:
                part.pop("separator", None)
                part["spacing"] = "None"
            out.append(part)
    return out


def _pieces(value: str, limit: int) -> list[str]:
    """`value` in pieces each weighing at most `limit` on the wire (a character other than
    ASCII travels as `\\uXXXX`), never splitting a backslash escape pair."""
    pieces: list[str] = []
    start = used = 0
    for index, char in enumerate(value):
        cost = wire_weight(len(json.dumps(char)) - 2)
        if used + cost > limit and index > start and not _inside_escape(value, start, index):
            pieces.append(value[start:index])
            start, used = index, 0
        used += cost
    if start < len(value):
        pieces.append(value[start:])
    return pieces


def _inside_escape(value: str, start: int, index: int) -> bool:
    """Whether cutting before `index` would split a backslash from the character it escapes."""
    backslashes = 0
    while index - 1 - backslashes >= start and value[index - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _used_by(chunk: list[dict[str, Any]], entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    text = json.dumps(chunk, ensure_ascii=False)
    return [entity for entity in entities if entity["text"] in text]


# Forms ------------------------------------------------------------------------------------

FormValues = Mapping[str, str | list[str] | None]


def form_card(
    form: Form,
    actions: Sequence[dict[str, Any]],
    *,
    errors: Mapping[str, str] | None = None,
    values: FormValues | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A form as a dialog card: labelled inputs, required markers, server errors beside their
    inputs, and `actions` (see `dialogs`) at the foot.

    `values` (what the person typed) win over the form's initial values, so a refused
    submission comes back with everything still filled in. `names` labels pre-chosen people.
    """
    errors = errors or {}
    mentions = _Mentions()
    body: list[dict[str, Any]] = [_heading(form.title)]
    if form.intro:
        body.append(
            {"type": "TextBlock", "text": spans_markdown(form.intro, mentions), "wrap": True}
        )
    unknown = [message for name, message in errors.items() if name not in _names(form)]
    for message in unknown:
        body.append(_error(message))
    for item in form.inputs:
        body.extend(input_elements(item, _current_value(item, values), names or {}))
        if item.name in errors:
            body.append(_error(errors[item.name]))
    card = _card(body, mentions)
    card["actions"] = list(actions)
    return card


def dialog_action(title: str, data: Mapping[str, Any], primary: bool = True) -> dict[str, Any]:
    """A button at the foot of a dialog: submits the inputs with `data` (`task/submit`)."""
    return _submit(title, dict(data), "positive" if primary else None)


def launcher_card(form: Form, data: Mapping[str, Any]) -> dict[str, Any]:
    """Offers a form where no dialog could open yet (a typed command): a button opens it."""
    body = [
        _heading(form.title),
        {"type": "TextBlock", "text": "Open the form to fill it in.", "wrap": True},
    ]
    card = _card(body, _Mentions())
    card["actions"] = [_submit("Open form", {**data, **OPENS_DIALOG}, "positive")]
    return card


def _names(form: Form) -> set[str]:
    return {item.name for item in form.inputs}


def _error(message: str) -> dict[str, Any]:
    return {
        "type": "TextBlock",
        "text": f"⚠ {escape(message)}",
        "color": "Attention",
        "wrap": True,
        "spacing": "None",
    }


def _current_value(item: Input, values: FormValues | None) -> str | tuple[str, ...] | None:
    if values is not None and item.name in values:
        typed = values[item.name]
        return tuple(typed) if isinstance(typed, list) else typed
    return item.initial


def _joined(value: str | tuple[str, ...]) -> str:
    return ",".join(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class _Kind:
    """One `InputKind` as an Adaptive Card input: its element type and what the kind itself
    needs, the placeholder it shows when the input has none (None: it shows none), and the
    card's `value` for a current value."""

    properties: Mapping[str, Any]
    placeholder: str | None
    value: Callable[[str | tuple[str, ...], Mapping[str, str]], dict[str, Any]]


def _as_text(value: str | tuple[str, ...], names: Mapping[str, str]) -> dict[str, Any]:
    return {"value": _joined(value)}


def _as_number(value: str | tuple[str, ...], names: Mapping[str, str]) -> dict[str, Any]:
    joined = _joined(value)
    try:
        number = float(joined)
    except ValueError:
        return {"value": joined}
    return {"value": int(number) if number.is_integer() else number}


def _as_people(value: str | tuple[str, ...], names: Mapping[str, str]) -> dict[str, Any]:
    """Pre-chosen people are offered as choices with their names (`names`), AAD ids as values."""
    chosen = value if isinstance(value, tuple) else tuple(filter(None, value.split(",")))
    return {
        "choices": [{"title": names.get(uid, uid), "value": uid} for uid in chosen],
        "value": _joined(value),
    }


def _kind(kind: InputKind) -> _Kind:
    """Every kind, checked by mypy: a new `InputKind` fails here until it has a card input."""
    match kind:
        case InputKind.TEXT:
            return _Kind({"type": "Input.Text"}, "", _as_text)
        case InputKind.MULTILINE:
            return _Kind({"type": "Input.Text", "isMultiline": True}, "", _as_text)
        case InputKind.CHANNEL:
            link = "Paste the channel's link (… > Get link to channel)"
            return _Kind({"type": "Input.Text"}, link, _as_text)
        case InputKind.SELECT | InputKind.MULTI_SELECT:
            multi = kind is InputKind.MULTI_SELECT
            chooser = {"type": "Input.ChoiceSet", "style": "compact", "isMultiSelect": multi}
            return _Kind(chooser, "", _as_text)
        case InputKind.NUMBER:
            return _Kind({"type": "Input.Number"}, "", _as_number)
        case InputKind.DATE:
            return _Kind({"type": "Input.Date"}, None, _as_text)
        case InputKind.TIME:
            return _Kind({"type": "Input.Time"}, None, _as_text)
        case InputKind.USERS:
            # Teams' people picker: searches the organisation's directory (AAD object ids).
            people = {
                "type": "Input.ChoiceSet",
                "isMultiSelect": True,
                "choices": [],
                "choices.data": {"type": "Data.Query", "dataset": PEOPLE_DATASET},
            }
            return _Kind(people, "Type a name", _as_people)
        case _:
            assert_never(kind)


_KINDS = {kind: _kind(kind) for kind in InputKind}


@dataclass(frozen=True)
class _Shown:
    """An input on a card: its element, what is shown under it, and what it currently holds
    (typed before a refusal, else its initial value) with the names of chosen people."""

    element: dict[str, Any]
    below: list[dict[str, Any]]
    value: str | tuple[str, ...] | None
    names: Mapping[str, str]


def _name(item: Input, shown: _Shown) -> None:
    shown.element["id"] = item.name


def _label(item: Input, shown: _Shown) -> None:
    shown.element["label"] = item.label


def _element_kind(item: Input, shown: _Shown) -> None:
    shown.element.update(_KINDS[item.kind].properties)


def _required(item: Input, shown: _Shown) -> None:
    shown.element["isRequired"] = item.required
    if item.required:
        shown.element["errorMessage"] = f"{item.label} is required."


def _initial(item: Input, shown: _Shown) -> None:
    """The current value: what was typed before a refusal, else `initial`."""
    if shown.value is not None and _joined(shown.value):
        shown.element.update(_KINDS[item.kind].value(shown.value, shown.names))


def _placeholder(item: Input, shown: _Shown) -> None:
    default = _KINDS[item.kind].placeholder
    if default is not None and (item.placeholder or default):
        shown.element["placeholder"] = item.placeholder or default


def _hint(item: Input, shown: _Shown) -> None:
    if item.hint:
        shown.below.append(
            {
                "type": "TextBlock",
                "text": escape(item.hint),
                "size": "Small",
                "isSubtle": True,
                "wrap": True,
                "spacing": "None",
            }
        )


def _options(item: Input, shown: _Shown) -> None:
    if item.kind in (InputKind.SELECT, InputKind.MULTI_SELECT):
        shown.element["choices"] = _choices(item.options)


def _max_length(item: Input, shown: _Shown) -> None:
    if item.max_length and item.kind in (InputKind.TEXT, InputKind.MULTILINE, InputKind.CHANNEL):
        shown.element["maxLength"] = item.max_length


def _bound(key: str, value: Callable[[Input], float | None]) -> Callable[[Input, _Shown], None]:
    def rule(item: Input, shown: _Shown) -> None:
        bound = value(item)
        if item.kind is InputKind.NUMBER and bound is not None:
            shown.element[key] = bound

    return rule


# What each field of `Input` becomes on a card; `handles_every_field` refuses this table when
# the core model has a field it lacks.
_FIELDS: dict[str, Callable[[Input, _Shown], None]] = {
    "name": _name,
    "label": _label,
    "kind": _element_kind,
    "required": _required,
    "initial": _initial,
    "placeholder": _placeholder,
    "hint": _hint,
    "options": _options,
    "max_length": _max_length,
    "min_value": _bound("min", lambda item: item.min_value),
    "max_value": _bound("max", lambda item: item.max_value),
}
handles_every_field(Input, _FIELDS, "Teams form cards")


def input_elements(
    item: Input, value: str | tuple[str, ...] | None, names: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One Adaptive Card input for a form input, and its hint under it: every field of `item`
    through `_FIELDS`. `value` is what it holds now; `names` labels pre-chosen people."""
    shown = _Shown({}, [], value, names)
    for rule in _FIELDS.values():
        rule(item, shown)
    return [shown.element, *shown.below]
