"""The core reply tree as Slack Block Kit: pure functions, no I/O.

Everything a user could have written is escaped (`&`, `<`, `>`) before it reaches mrkdwn, so no
text can become `<!channel>`, `<!here>`, a mention or a link. Mentions exist only as
`Mention` spans. Slack's size limits are enforced here, shortening with "…" instead of failing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, assert_never

from adapters.form_fields import handles_every_field
from bot.events import FormValue
from bot.replies import (
    MAX_TEXT_INPUT,
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

JsonDict = dict[str, Any]

ELLIPSIS = "…"
MAX_BLOCKS = 50
MAX_MODAL_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_FIELD_TEXT = 2000
MAX_FIELDS = 10
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_ACTION_ID = 255
MAX_ACTION_ELEMENTS = 25
MAX_OPTIONS = 100
MAX_OPTION_VALUE = 150
MAX_PLACEHOLDER = 150
MAX_MODAL_TITLE = 24
MAX_LABEL = 2000
MAX_FALLBACK = 3000
ACTION_SUFFIX = "::"  # `vote.cast::2`: a repeated action id made unique within one message

_USER_ID = re.compile(r"^[A-Z0-9]{2,32}$")
_FENCE = "```"


# Text -------------------------------------------------------------------------------------


def escape(value: str) -> str:
    """Makes text inert in mrkdwn: Slack reads `<...>` as mentions and links, `&` as entities."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(value: str, limit: int) -> str:
    """Shortens escaped mrkdwn to `limit` characters without splitting an entity or a token."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    for opener, closer in (("&", ";"), ("<", ">")):
        start = cut.rfind(opener)
        if start != -1 and closer not in cut[start:]:
            cut = cut[:start]
    return cut + ELLIPSIS


def clip_plain(value: str, limit: int) -> str:
    """Shortens plain_text (shown literally by Slack, so nothing to protect)."""
    return value if len(value) <= limit else value[: limit - 1] + ELLIPSIS


def _wrap(marker: str, value: str) -> str:
    """`*x*`, `_x_`: Slack only formats when the markers hug the text, so spaces go outside."""
    core = value.strip()
    if not core:
        return escape(value)
    lead = value[: len(value) - len(value.lstrip())]
    trail = value[len(value.rstrip()) :]
    return f"{lead}{marker}{escape(core)}{marker}{trail}"


def span(item: Span) -> str:
    match item:
        case str():
            return escape(item)
        case Bold():
            return _wrap("*", item.text)
        case Italic():
            return _wrap("_", item.text)
        case Code():
            return f"`{escape(item.text.replace('`', 'ˋ'))}`" if item.text else ""
        case Mention():
            if _USER_ID.match(item.user_id):
                return f"<@{item.user_id}>"
            return escape(f"@{item.name or item.user_id}")


def mrkdwn(spans: Iterable[Span]) -> str:
    return "".join(span(item) for item in spans)


def _plain(value: str, limit: int) -> JsonDict:
    return {"type": "plain_text", "text": clip_plain(value, limit) or " ", "emoji": True}


def _section(value: str) -> JsonDict:
    return {"type": "section", "text": _mrkdwn_obj(value)}


def _safe_cut(value: str, limit: int) -> int:
    """Where to cut escaped mrkdwn at most `limit` long without splitting an entity or token."""
    cut = value[:limit]
    for opener, closer in (("&", ";"), ("<", ">")):
        start = cut.rfind(opener)
        if start > 0 and closer not in cut[start:]:
            cut = cut[:start]
    return len(cut)


def _lines(value: str, limit: int) -> Iterator[str]:
    """The lines of `value`; a line longer than `limit` comes in several pieces, none lost."""
    for line in value.split("\n"):
        while len(line) > limit:
            cut = _safe_cut(line, limit)
            yield line[:cut]
            line = line[cut:]
        yield line


def _chunks(value: str, limit: int) -> Iterator[str]:
    """Splits at line breaks into pieces of at most `limit` (an overlong line is split too)."""
    current = ""
    for line in _lines(value, limit):
        candidate = f"{current}\n{line}" if current else line
        if current and len(candidate) > limit:
            yield current
            current = line
        else:
            current = candidate
    if current.strip():
        yield current


# Blocks -----------------------------------------------------------------------------------


def _heading(block: Heading) -> list[JsonDict]:
    if not block.text.strip():
        return []
    return [{"type": "header", "text": _plain(block.text, MAX_HEADER)}]


def _text(block: Text) -> list[JsonDict]:
    return [_section(piece) for piece in _chunks(mrkdwn(block.spans), MAX_SECTION_TEXT)]


def _context(block: SmallPrint) -> list[JsonDict]:
    value = clip(mrkdwn(block.spans), MAX_SECTION_TEXT)
    if not value.strip():
        return []
    return [{"type": "context", "elements": [_mrkdwn_obj(value)]}]


def _fields(block: Fields) -> list[JsonDict]:
    rendered = [
        _mrkdwn_obj(clip(f"{_wrap('*', item.label)}\n{mrkdwn(item.value) or ' '}", MAX_FIELD_TEXT))
        for item in block.items
    ]
    return [
        {"type": "section", "fields": rendered[start : start + MAX_FIELDS]}
        for start in range(0, len(rendered), MAX_FIELDS)
    ]


def _code_sections(lines: Sequence[str], title: str = "") -> list[JsonDict]:
    """Monospace lines in ``` fences, split over sections so each stays within Slack's limit."""
    head = f"{_wrap('*', title)}\n" if title.strip() else ""
    room = MAX_SECTION_TEXT - len(head) - 2 * len(_FENCE) - 2
    body = escape("\n".join(lines).replace(_FENCE, "ˋˋˋ"))
    pieces = list(_chunks(body, room))
    sections: list[JsonDict] = []
    for index, piece in enumerate(pieces):
        prefix = head if index == 0 else ""
        sections.append(_section(f"{prefix}{_FENCE}\n{piece}\n{_FENCE}"))
    if not sections and head:
        sections.append(_section(head.strip()))
    return sections


def _bars(block: Bars) -> list[JsonDict]:
    return _code_sections(block.lines(), block.title)


def _preformatted(block: Preformatted) -> list[JsonDict]:
    return _code_sections(block.text.splitlines())


def _option(option: Option) -> JsonDict:
    return {
        "text": _plain(option.label, MAX_BUTTON_TEXT),
        "value": option.value[:MAX_OPTION_VALUE],
    }


def _button(element: Button, action_id: str) -> JsonDict:
    rendered: JsonDict = {
        "type": "button",
        "text": _plain(element.label, MAX_BUTTON_TEXT),
        "action_id": action_id,
    }
    if element.value:
        rendered["value"] = element.value[:MAX_BUTTON_VALUE]
    if element.style is not ButtonStyle.DEFAULT:
        rendered["style"] = element.style.value
    return rendered


def _select(element: Select, action_id: str) -> JsonDict | None:
    if not element.options:
        return None
    return {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": _plain(element.placeholder or "Choose…", MAX_PLACEHOLDER),
        "options": [_option(option) for option in element.options[:MAX_OPTIONS]],
    }


def _actions(block: Actions, ids: Iterator[str]) -> list[JsonDict]:
    elements: list[JsonDict] = []
    for element in block.elements:
        action_id = next(ids)
        if isinstance(element, Button):
            elements.append(_button(element, action_id))
        elif (rendered := _select(element, action_id)) is not None:
            elements.append(rendered)
    return [
        {"type": "actions", "elements": elements[start : start + MAX_ACTION_ELEMENTS]}
        for start in range(0, len(elements), MAX_ACTION_ELEMENTS)
    ]


def unique_action_ids(reply: Reply) -> list[str]:
    """Slack refuses repeated action ids in one message: repeats get a `::n` suffix."""
    wanted = [
        element.action_id[: MAX_ACTION_ID - 6]
        for block in reply.blocks
        if isinstance(block, Actions)
        for element in block.elements
    ]
    seen: Counter[str] = Counter()
    unique: list[str] = []
    for action_id in wanted:
        seen[action_id] += 1
        count = seen[action_id]
        unique.append(action_id if count == 1 else f"{action_id}{ACTION_SUFFIX}{count}")
    return unique


def core_action_id(slack_action_id: str) -> str:
    """The feature's action id, without the suffix `unique_action_ids` may have added."""
    return slack_action_id.split(ACTION_SUFFIX, 1)[0]


def _block(block: Block, ids: Iterator[str]) -> list[JsonDict]:
    match block:
        case Heading():
            return _heading(block)
        case Text():
            return _text(block)
        case SmallPrint():
            return _context(block)
        case Fields():
            return _fields(block)
        case Bars():
            return _bars(block)
        case Actions():
            return _actions(block, ids)
        case Divider():
            return [{"type": "divider"}]
        case Preformatted():
            return _preformatted(block)


def _limit(blocks: list[JsonDict], limit: int) -> list[JsonDict]:
    if len(blocks) <= limit:
        return blocks
    hidden = len(blocks) - (limit - 1)
    note = f"{ELLIPSIS} {hidden} more blocks not shown: Slack shows at most {limit} in one place."
    return [*blocks[: limit - 1], {"type": "context", "elements": [_mrkdwn_obj(note)]}]


def _mrkdwn_obj(value: str) -> JsonDict:
    """Verbatim: Slack must not turn bare URLs, `@channel` or `#channel` in user text into links
    or mentions; the bot's own `<@U…>` markup still renders."""
    return {"type": "mrkdwn", "text": value, "verbatim": True}


def render_blocks(reply: Reply, limit: int = MAX_BLOCKS) -> list[JsonDict]:
    ids = iter(unique_action_ids(reply))
    rendered: list[JsonDict] = []
    for block in reply.blocks:
        rendered.extend(_block(block, ids))
    return _limit(rendered, limit)


def fallback_text(reply: Reply) -> str:
    """The notification line Slack shows where blocks cannot be: escaped like everything else."""
    return clip(escape(reply.fallback), MAX_FALLBACK) or "alignbot"


def message(reply: Reply) -> JsonDict:
    """`blocks` and `text` for chat.postMessage, chat.update, chat.postEphemeral, response_url."""
    return {"blocks": render_blocks(reply), "text": fallback_text(reply)}


def home_view(page: Reply) -> JsonDict:
    """The App Home tab for `views.publish` (up to 100 blocks, as a modal)."""
    return {"type": "home", "blocks": render_blocks(page, MAX_MODAL_BLOCKS)}


# Modals -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """One `InputKind` in a modal: its element, what the kind itself adds to it, how a
    pre-filled value is written, and how `view.state.values` gives the value back."""

    element_type: str
    base: Callable[[Input], JsonDict]
    initial: Callable[[Input, list[str]], JsonDict]
    read: Callable[[Mapping[str, Any]], FormValue]


def _nothing(item: Input) -> JsonDict:
    return {}


def _typed(state: Mapping[str, Any]) -> FormValue:
    value = state.get("value")
    return value if isinstance(value, str) else None


def _selected(key: str) -> Callable[[Mapping[str, Any]], FormValue]:
    return lambda state: state.get(key)


def _initial_text(item: Input, initial: list[str]) -> JsonDict:
    """`Input` guarantees pre-filled text fits (`MAX_TEXT_INPUT`), so nothing is cut here."""
    return {"initial_value": initial[0]} if isinstance(item.initial, str) and initial[0] else {}


def _chosen(item: Input, initial: list[str]) -> list[JsonDict]:
    return [_option(o) for o in item.options[:MAX_OPTIONS] if o.value in set(initial)]


def _decimals(item: Input) -> JsonDict:
    """Whole numbers only when the bounds are whole (or there are none)."""
    bounds = [v for v in (item.min_value, item.max_value) if v is not None]
    return {"is_decimal_allowed": not bounds or any(not float(v).is_integer() for v in bounds)}


def _initial_option(item: Input, initial: list[str]) -> JsonDict:
    chosen = _chosen(item, initial)
    return {"initial_option": chosen[0]} if chosen else {}


def _initial_options(item: Input, initial: list[str]) -> JsonDict:
    chosen = _chosen(item, initial)
    return {"initial_options": chosen} if chosen else {}


def _kind(kind: InputKind) -> _Kind:
    """Every kind, checked by mypy: a new `InputKind` fails here until it is given a modal
    element and a way back."""
    match kind:
        case InputKind.TEXT | InputKind.MULTILINE:
            return _Kind(
                "plain_text_input",
                lambda item: {"multiline": kind is InputKind.MULTILINE},
                _initial_text,
                _typed,
            )
        case InputKind.SELECT:
            return _Kind(
                "static_select",
                _nothing,
                _initial_option,
                lambda state: (state.get("selected_option") or {}).get("value"),
            )
        case InputKind.MULTI_SELECT:
            return _Kind(
                "multi_static_select",
                _nothing,
                _initial_options,
                lambda state: [o["value"] for o in state.get("selected_options") or []],
            )
        case InputKind.NUMBER:
            return _Kind("number_input", _decimals, _initial_text, _typed)
        case InputKind.DATE:
            return _Kind(
                "datepicker",
                _nothing,
                lambda item, initial: {"initial_date": initial[0]},
                _selected("selected_date"),
            )
        case InputKind.TIME:
            return _Kind(
                "timepicker",
                _nothing,
                lambda item, initial: {"initial_time": initial[0]},
                _selected("selected_time"),
            )
        case InputKind.USERS:
            return _Kind(
                "multi_users_select",
                _nothing,
                lambda item, initial: {"initial_users": initial},
                lambda state: list(state.get("selected_users") or []),
            )
        case InputKind.CHANNEL:
            return _Kind(
                "conversations_select",
                lambda item: {
                    "filter": {"include": ["public", "private"], "exclude_bot_users": True}
                },
                lambda item, initial: {"initial_conversation": initial[0]},
                _selected("selected_conversation"),
            )
        case _:
            assert_never(kind)


_KINDS = {kind: _kind(kind) for kind in InputKind}
_READERS = {entry.element_type: entry.read for entry in _KINDS.values()}


def _number(value: float) -> str:
    return f"{value:g}"


def _initial_list(initial: str | tuple[str, ...] | None) -> list[str]:
    if initial is None:
        return []
    return [initial] if isinstance(initial, str) else list(initial)


def _effective_kind(item: Input) -> InputKind:
    if item.kind in (InputKind.SELECT, InputKind.MULTI_SELECT) and not item.options:
        return InputKind.TEXT  # Slack refuses an empty menu; free text is the honest fallback
    return item.kind


# What each field of `Input` becomes in an input block (`block["element"]` is its element);
# `handles_every_field` refuses this table when the core model has a field it lacks.
_Rule = Callable[[Input, InputKind, JsonDict], None]


def _name(item: Input, kind: InputKind, block: JsonDict) -> None:
    block["block_id"] = block["element"]["action_id"] = item.name


def _label(item: Input, kind: InputKind, block: JsonDict) -> None:
    block["label"] = _plain(item.label or item.name, MAX_LABEL)


def _element_kind(item: Input, kind: InputKind, block: JsonDict) -> None:
    block["element"]["type"] = _KINDS[kind].element_type
    block["element"].update(_KINDS[kind].base(item))


def _required(item: Input, kind: InputKind, block: JsonDict) -> None:
    block["optional"] = not item.required


def _initial(item: Input, kind: InputKind, block: JsonDict) -> None:
    if initial := _initial_list(item.initial):
        block["element"].update(_KINDS[kind].initial(item, initial))
    elif kind is InputKind.CHANNEL:
        block["element"]["default_to_current_conversation"] = True


def _placeholder(item: Input, kind: InputKind, block: JsonDict) -> None:
    if item.placeholder and kind is not InputKind.CHANNEL:
        block["element"]["placeholder"] = _plain(item.placeholder, MAX_PLACEHOLDER)


def _hint(item: Input, kind: InputKind, block: JsonDict) -> None:
    if item.hint:
        block["hint"] = _plain(item.hint, MAX_LABEL)


def _options(item: Input, kind: InputKind, block: JsonDict) -> None:
    if kind in (InputKind.SELECT, InputKind.MULTI_SELECT):
        block["element"]["options"] = [_option(option) for option in item.options[:MAX_OPTIONS]]


def _max_length(item: Input, kind: InputKind, block: JsonDict) -> None:
    if kind in (InputKind.TEXT, InputKind.MULTILINE):
        block["element"]["max_length"] = item.max_length or MAX_TEXT_INPUT


def _bound(key: str, value: Callable[[Input], float | None]) -> _Rule:
    def rule(item: Input, kind: InputKind, block: JsonDict) -> None:
        bound = value(item)
        if kind is InputKind.NUMBER and bound is not None:
            block["element"][key] = _number(bound)

    return rule


_FIELDS: dict[str, _Rule] = {
    "name": _name,
    "label": _label,
    "kind": _element_kind,
    "required": _required,
    "initial": _initial,
    "placeholder": _placeholder,
    "hint": _hint,
    "options": _options,
    "max_length": _max_length,
    "min_value": _bound("min_value", lambda item: item.min_value),
    "max_value": _bound("max_value", lambda item: item.max_value),
}
handles_every_field(Input, _FIELDS, "Slack modals")


def input_block(item: Input) -> JsonDict:
    """One input block: the kind's element, then every field of `item` through `_FIELDS`."""
    kind = _effective_kind(item)
    block: JsonDict = {"type": "input", "element": {}}
    for rule in _FIELDS.values():
        rule(item, kind, block)
    return block


def modal(form: Form, private_metadata: str) -> JsonDict:
    """A modal for `views.open`; the input names become block ids and action ids."""
    blocks: list[JsonDict] = []
    intro = mrkdwn(form.intro)
    blocks.extend(_section(piece) for piece in _chunks(intro, MAX_SECTION_TEXT))
    blocks.extend(input_block(item) for item in form.inputs)
    view: JsonDict = {
        "type": "modal",
        "callback_id": form.form_id[:MAX_ACTION_ID],
        "title": _plain(form.title or "alignbot", MAX_MODAL_TITLE),
        "close": _plain("Cancel", MAX_MODAL_TITLE),
        "private_metadata": private_metadata,
        "blocks": _limit(blocks, MAX_MODAL_BLOCKS),
    }
    if form.inputs:
        view["submit"] = _plain(form.submit_label or "Submit", MAX_MODAL_TITLE)
    return view


def _value(state: Mapping[str, Any]) -> FormValue:
    """One input's value from its `view.state.values` entry, read as its element type says."""
    return _READERS.get(str(state.get("type")), _typed)(state)


def form_values(state_values: Mapping[str, Mapping[str, Any]]) -> dict[str, FormValue]:
    """`view.state.values` as the core's input name -> value (block id is the input name)."""
    values: dict[str, FormValue] = {}
    for block_id, actions in state_values.items():
        for state in actions.values():
            values[block_id] = _value(state)
    return values


def modal_errors(errors: Mapping[str, str], block_ids: Iterable[str]) -> dict[str, str]:
    """`response_action: errors`: Slack only shows errors on existing input blocks."""
    known = list(block_ids)
    shown: dict[str, str] = {}
    for name, problem in errors.items():
        target = name if name in known else (known[0] if known else name)
        shown[target] = clip_plain(
            f"{shown[target]} {problem}" if target in shown else problem, MAX_LABEL
        )
    return shown


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
