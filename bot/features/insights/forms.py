"""The insight form: building it (blank or pre-filled) and reading a submission strictly.

`read_submission` is pure: it turns submitted values into `InsightContent` or per-input errors,
so nothing is stored or broadcast unless every value is acceptable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from bot.errors import UserError
from bot.events import Submission
from bot.features.insights.matching import (
    CONFIDENCES,
    METHODS,
    TargetKind,
    parse_tags,
)
from bot.limits import joined_text, text_inputs
from bot.mentions import CHANNEL_MENTION
from bot.replies import Form, FormErrors, Input, InputKind, Option
from storage.repositories.insights import AudienceEntry, InsightContent, InsightView

T = TypeVar("T")

FORM_NEW = "insight.new"
FORM_EDIT = "insight.edit"
FORM_DISAGREE = "insight.disagree"

MAX_TITLE = 150
MAX_LONG_TEXT = 3000
MAX_STUDY = 200
MAX_PARTICIPANTS = 1_000_000
MAX_ITEMS = 20
MAX_ITEM_CHARS = 200
MAX_AUDIENCE = 50
MAX_REASON = 200
VISIBILITIES = (
    ("public", "Public: subscribers and the list below"),
    ("private", "Private: only the list below"),
)
_BARE_CHANNEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:_.\-@]*$")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass(frozen=True)
class FormState:
    """Carried through the form: where it was opened and, when editing, which insight."""

    origin_channel: str
    insight_id: int | None = None

    def encode(self) -> str:
        return json.dumps({"origin": self.origin_channel, "insight": self.insight_id})

    @classmethod
    def decode(cls, metadata: str) -> FormState:
        try:
            data = json.loads(metadata)
            insight_id = data.get("insight")
            return cls(str(data["origin"]), int(insight_id) if insight_id is not None else None)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise UserError("That form has expired; please open it again.") from None


def _options(choices: tuple[tuple[str, str], ...]) -> tuple[Option, ...]:
    return tuple(Option(label, value) for value, label in choices)


def insight_form(
    state: FormState, view: InsightView | None = None, prefill: Mapping[str, str] | None = None
) -> Form:
    """A blank form for `/insight new` (or pre-filled from a message, `prefill`), or one
    pre-filled from `view` for `/insight edit`."""
    blank: dict[str, str | tuple[str, ...]] = {"visibility": "public", "confidence": "medium"}
    initial = _initial(view) if view else {**blank, **(prefill or {})}

    def start(name: str) -> str | tuple[str, ...] | None:
        return initial.get(name)

    inputs = (
        Input(
            "title",
            "Title",
            max_length=MAX_TITLE,
            initial=start("title"),
            placeholder="Half of new users abandon sign-up at the email step",
        ),
        Input(
            "finding",
            "Finding",
            InputKind.MULTILINE,
            max_length=MAX_LONG_TEXT,
            initial=start("finding"),
            hint="What you learned, in a few sentences.",
        ),
        Input(
            "evidence",
            "Evidence",
            InputKind.MULTILINE,
            required=False,
            max_length=MAX_LONG_TEXT,
            initial=start("evidence"),
            hint="Links, quotes, clips: one per line.",
        ),
        Input(
            "study",
            "Source study",
            required=False,
            max_length=MAX_STUDY,
            initial=start("study"),
            placeholder="Onboarding interviews, Nov 2026",
        ),
        Input(
            "method", "Method", InputKind.SELECT, options=_options(METHODS), initial=start("method")
        ),
        Input(
            "participants",
            "Participants",
            InputKind.NUMBER,
            required=False,
            min_value=0,
            max_value=MAX_PARTICIPANTS,
            initial=start("participants"),
        ),
        Input(
            "confidence",
            "Confidence",
            InputKind.SELECT,
            options=_options(CONFIDENCES),
            initial=start("confidence"),
        ),
        Input(
            "tags",
            "Tags",
            required=False,
            initial=start("tags"),
            placeholder="onboarding, checkout",
            hint="Up to 20; letters, digits, - and _. Subscribers of these tags get it.",
        ),
        *text_inputs(
            "items",
            "Related backlog items",
            _lines(start("items")),
            required=False,
            hint="One per line, as written on the backlog or ballot.",
        ),
        Input(
            "visibility",
            "Visibility",
            InputKind.SELECT,
            options=_options(VISIBILITIES),
            initial=start("visibility"),
        ),
        *text_inputs(
            "channels",
            "Share with channels",
            _words(start("channels")),
            separator=" ",
            kind=InputKind.TEXT,
            required=False,
            placeholder="#research-readouts here",
            hint="Channel mentions or ids; `here` is this conversation.",
        ),
        Input(
            "people", "Share with people", InputKind.USERS, required=False, initial=start("people")
        ),
    )
    editing = view is not None
    return Form(
        form_id=FORM_EDIT if editing else FORM_NEW,
        title=f"Edit insight {view.id}" if view else "Share a research insight",
        inputs=inputs,
        submit_label="Save and update posts" if editing else "Share",
        metadata=state.encode(),
        intro=(
            "Public: posted once to every channel and person following one of its tags, plus "
            "the channels and people below. Private: only the channels and people below.",
        ),
    )


def _lines(value: str | tuple[str, ...] | None) -> list[str]:
    return value.splitlines() if isinstance(value, str) else []


def _words(value: str | tuple[str, ...] | None) -> list[str]:
    return value.split(" ") if isinstance(value, str) and value else []


def _initial(view: InsightView) -> dict[str, str | tuple[str, ...]]:
    insight = view.insight
    channels = [a for a in view.audience if a.kind == TargetKind.CHANNEL]
    return {
        "title": insight.title,
        "finding": insight.finding,
        "evidence": insight.evidence,
        "study": insight.source_study,
        "method": insight.method,
        "participants": "" if insight.participants is None else str(insight.participants),
        "confidence": insight.confidence,
        "tags": " ".join(view.tags),
        "items": "\n".join(view.items),
        "visibility": "private" if insight.is_private else "public",
        "channels": " ".join(
            f"<#{c.target_id}|{c.label}>" if c.label else c.target_id for c in channels
        ),
        "people": tuple(a.target_id for a in view.audience if a.kind == TargetKind.PERSON),
    }


def read_submission(
    submission: Submission, state: FormState, known_channels: Mapping[str, str]
) -> InsightContent | FormErrors:
    """Everything the form says, checked; `known_channels` maps lower-case names to ids."""
    errors: dict[str, str] = {}
    title = _required(submission, "title", "a title", MAX_TITLE, errors)
    finding = _required(submission, "finding", "the finding", MAX_LONG_TEXT, errors)
    evidence = _limited(submission, "evidence", MAX_LONG_TEXT, errors)
    study = _limited(submission, "study", MAX_STUDY, errors)
    method = _choice(submission, "method", METHODS, "Pick the research method.", errors)
    confidence = _choice(submission, "confidence", CONFIDENCES, "Pick a confidence.", errors)
    visibility = _choice(submission, "visibility", VISIBILITIES, "Pick public or private.", errors)
    participants = _participants(submission.text("participants"), errors)
    tags = _guarded("tags", lambda: parse_tags(submission.text("tags")), errors) or []
    items = _items(joined_text(submission, "items"), errors)
    platform = submission.actor.platform
    channels = (
        _guarded(
            "channels",
            lambda: _channels(
                joined_text(submission, "channels", " "), state, platform, known_channels
            ),
            errors,
        )
        or []
    )
    people = [
        AudienceEntry(platform, TargetKind.PERSON, uid)
        for uid in dict.fromkeys(submission.choices("people"))
        if uid.strip()
    ]
    audience = [*channels, *people]
    if len(audience) > MAX_AUDIENCE:
        errors["channels"] = f"Share with at most {MAX_AUDIENCE} channels and people together."
    if visibility == "private" and not audience and "channels" not in errors:
        errors["channels"] = "A private insight needs at least one channel or person to go to."
    if errors:
        return FormErrors(errors)
    return InsightContent(
        title=title,
        finding=finding,
        method=method,
        confidence=confidence,
        evidence=evidence,
        source_study=study,
        participants=participants,
        tags=tags,
        items=items,
        is_private=visibility == "private",
        audience=audience,
    )


def _required(
    submission: Submission, name: str, what: str, limit: int, errors: dict[str, str]
) -> str:
    value = _limited(submission, name, limit, errors)
    if not value and name not in errors:
        errors[name] = f"Please write {what}."
    return value


def _limited(submission: Submission, name: str, limit: int, errors: dict[str, str]) -> str:
    value = submission.text(name)
    if len(value) > limit:
        errors[name] = f"That is {len(value):,} characters; the limit is {limit:,}."
    return value


def _choice(
    submission: Submission,
    name: str,
    choices: tuple[tuple[str, str], ...],
    message: str,
    errors: dict[str, str],
) -> str:
    value = submission.text(name)
    if value not in dict(choices):
        errors[name] = message
    return value


_WHOLE = re.compile(r"(-?)(\d+)(?:\.0*)?")


def _participants(raw: str, errors: dict[str, str]) -> int | None:
    cleaned = raw.replace(",", "").replace("_", "").replace(" ", "")
    match = _WHOLE.fullmatch(cleaned)
    if not cleaned:
        return None
    if match is None:
        errors["participants"] = "Write the number of participants as a whole number, like 12."
        return None
    if match.group(1) and int(match.group(2)):
        errors["participants"] = "Participants cannot be negative."
        return None
    digits = match.group(2).lstrip("0") or "0"
    if len(digits) > 7 or int(digits) > MAX_PARTICIPANTS:
        errors["participants"] = (
            f"{raw[:20]} participants looks wrong; the most I accept is {MAX_PARTICIPANTS:,}."
        )
        return None
    return int(digits)


def _guarded(name: str, parse: Callable[[], T], errors: dict[str, str]) -> T | None:
    """Runs a parser that raises `UserError`, turning the message into this input's error."""
    try:
        return parse()
    except UserError as error:
        errors[name] = error.message
        return None


def _items(raw: str, errors: dict[str, str]) -> list[str]:
    items = list(dict.fromkeys(_BULLET.sub("", line).strip() for line in raw.splitlines()))
    items = [item for item in items if item]
    if len(items) > MAX_ITEMS:
        errors["items"] = f"That is {len(items)} backlog items; link at most {MAX_ITEMS}."
    elif any(len(item) > MAX_ITEM_CHARS for item in items):
        errors["items"] = f"Each backlog item may be at most {MAX_ITEM_CHARS} characters."
    return items


def _channels(
    raw: str, state: FormState, platform: str, known: Mapping[str, str]
) -> list[AudienceEntry]:
    """`<#C1|name>`, a bare id, `here`, or `#name` of a channel alignbot already knows."""
    found: dict[str, AudienceEntry] = {}
    for token in raw.replace(",", " ").split():
        channel_id, label = _channel(token, state, known)
        found.setdefault(channel_id, AudienceEntry(platform, TargetKind.CHANNEL, channel_id, label))
    return list(found.values())


def _channel(token: str, state: FormState, known: Mapping[str, str]) -> tuple[str, str]:
    if mention := CHANNEL_MENTION.fullmatch(token):
        return mention.group(1), mention.group(2) or ""
    if token.casefold() == "here":
        return state.origin_channel, ""
    if token.startswith("#"):
        name = token[1:].casefold()
        if name in known:
            return known[name], name
        raise UserError(
            f"I don't know the channel {token[:40]} yet. Pick it with a channel mention "
            "(type # and choose it), or paste its id."
        )
    if _BARE_CHANNEL_ID.match(token):
        return token, ""
    raise UserError(f"`{token[:40]}` is not a channel; use a channel mention, an id or `here`.")


def disagree_form(insight_id: int, metadata: str) -> Form:
    return Form(
        form_id=FORM_DISAGREE,
        title=f"Disagree: insight {insight_id}",
        inputs=(
            Input(
                "reason",
                "Why do you disagree?",
                max_length=MAX_REASON,
                placeholder="Sample was only power users",
            ),
        ),
        submit_label="Send",
        metadata=metadata,
    )


def read_reason(submission: Submission) -> str | FormErrors:
    reason = " ".join(submission.text("reason").split())
    if not reason:
        return FormErrors({"reason": "Please give a one-line reason, so the author can follow up."})
    if len(reason) > MAX_REASON:
        return FormErrors({"reason": f"Keep it to one line of at most {MAX_REASON} characters."})
    return reason
