"""The `/vote new` form and the checks a new poll must pass before anything is stored."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.events import Conversation, Submission
from bot.features.votes import deadline
from bot.features.votes.ballots import whole_number
from bot.features.votes.tally import Method
from bot.limits import joined_text, text_inputs
from bot.replies import MAX_TEXT_INPUT, Form, Input, InputKind, Option, Span

NEW_FORM = "vote.new"
MIN_ITEMS, MAX_ITEMS = 2, 50
MAX_RICE_ITEMS = 24  # four inputs per item, and Slack modals hold 100 blocks (intro included)
MAX_ITEM_CHARS, MAX_QUESTION_CHARS = 150, 300
MAX_DOTS = 100
METHOD_NAMES = {
    Method.SINGLE: "Single choice",
    Method.MULTI: "Multiple choice (with a limit)",
    Method.DOT: "Dot voting",
    Method.RANKED: "Ranked choice (Borda + Schulze)",
    Method.MOSCOW: "MoSCoW",
    Method.RICE: "RICE scoring",
}
_BULLET = re.compile(r"^\s*(?:[-*•]\s+)")


@dataclass(frozen=True)
class Draft:
    """A poll that passed every check, ready to store."""

    question: str
    items: tuple[str, ...]
    method: Method
    deadline: datetime | None
    anonymous: bool
    hide_results: bool
    voters: tuple[str, ...]
    max_choices: int
    dots: int
    timezone: str
    decision_key: str = ""  # checked against the team's matrix before it is stored
    decision_name: str = ""
    allow_additions: bool = False
    repeat: str = ""  # "", "weekly" or "monthly"
    source: str = ""  # the import a recurring vote's rounds take their items from


@dataclass(frozen=True)
class DecisionChoice:
    """A RACI decision the creator may pick; `key` is what the form sends back."""

    name: str
    key: str


NO_DECISION = "none"
REPEATS = ("weekly", "monthly")
ADDABLE = frozenset({Method.SINGLE, Method.MULTI, Method.DOT})
WHY_NOT_ADDABLE = (
    "Voters can add options to single, multiple and dot votes only: ranked, MoSCoW and RICE "
    "ballots rate every item, so an option added later would be missing from every ballot "
    "already cast."
)
MAX_DECISION_OPTIONS = 99  # Slack menus hold 100 options; one is "none"


def new_form(
    conversation: Conversation,
    question: str = "",
    items: list[str] | None = None,
    note: str = "",
    *,
    decisions: Sequence[DecisionChoice] = (),
    decision: str = "",
    source: str = "",
) -> Form:
    """The creation form; imports pre-fill the items, `note` explains what was imported.
    `decisions` are the team's RACI decisions, `decision` the key suggested or asked for;
    `source` is the import, kept so a recurring vote can import again each round."""
    yes_no = (Option("No", "no"), Option("Yes", "yes"))
    intro: tuple[Span, ...] = (note,) if note else ()
    meta: dict[str, str | None] = {"c": conversation.channel_id, "t": conversation.thread_id}
    if source:
        meta["s"] = source
    return Form(
        form_id=NEW_FORM,
        title="New backlog vote",
        submit_label="Open the vote",
        metadata=json.dumps(meta),
        intro=intro,
        inputs=(
            Input(
                "question",
                "Question",
                initial=question or None,
                max_length=MAX_QUESTION_CHARS,
                placeholder="Which epic should we build next?",
            ),
            *text_inputs(
                "items",
                "Backlog items, one per line",
                items or (),
                hint=(
                    f"{MIN_ITEMS} to {MAX_ITEMS} items (RICE: up to {MAX_RICE_ITEMS}). A box holds "
                    f"{MAX_TEXT_INPUT:,} characters; for more, paste them after "
                    "/vote new from csv."
                ),
            ),
            Input(
                "method",
                "Method",
                InputKind.SELECT,
                initial=Method.RANKED.value,
                options=tuple(Option(name, m.value) for m, name in METHOD_NAMES.items()),
            ),
            Input("deadline_date", "Deadline date", InputKind.DATE, required=False),
            Input(
                "deadline_time",
                "Deadline time",
                InputKind.TIME,
                required=False,
                hint="In your time zone; 17:00 when only a date is given.",
            ),
            Input(
                "deadline_text",
                "…or a deadline in words",
                required=False,
                placeholder="in 2d · fri 17:00 · tomorrow 9:00",
                hint="Leave both empty to close the vote by hand with /vote close.",
            ),
            Input(
                "anonymous",
                "Anonymous ballots?",
                InputKind.SELECT,
                initial="no",
                options=yes_no,
                hint="Anonymous votes show results only once they close.",
            ),
            Input(
                "hide_results",
                "Hide results until the vote closes?",
                InputKind.SELECT,
                initial="no",
                options=yes_no,
            ),
            Input(
                "voters",
                "Only these people may vote",
                InputKind.USERS,
                required=False,
                hint="Leave empty to let everyone in the channel vote.",
            ),
            Input(
                "max_choices",
                "Multiple choice: how many picks",
                InputKind.NUMBER,
                required=False,
                initial="3",
                min_value=1,
                max_value=MAX_ITEMS,
            ),
            Input(
                "dots",
                "Dot voting: dots per voter",
                InputKind.NUMBER,
                required=False,
                initial="5",
                min_value=1,
                max_value=MAX_DOTS,
            ),
            *_decision_inputs(decisions, decision),
            Input(
                "allow_additions",
                "Voters may add options?",
                InputKind.SELECT,
                initial="no",
                options=yes_no,
                hint=WHY_NOT_ADDABLE,
            ),
            Input(
                "repeat",
                "Repeat",
                InputKind.SELECT,
                initial="no",
                options=(
                    Option("No, once", "no"),
                    Option("Every week", "weekly"),
                    Option("Every month", "monthly"),
                ),
                hint=(
                    "Each round opens at this time of week (or day of month) with the same "
                    "items, or freshly imported ones, and closes after as long as this one "
                    "(at the next round, without a deadline)."
                ),
            ),
        ),
    )


def _decision_inputs(decisions: Sequence[DecisionChoice], chosen: str) -> tuple[Input, ...]:
    if not decisions:
        return ()
    shown = list(decisions[:MAX_DECISION_OPTIONS])
    if chosen and chosen not in {d.key for d in shown}:
        shown[-1:] = [d for d in decisions if d.key == chosen][:1]
    return (
        Input(
            "decision",
            "Informs the RACI decision",
            InputKind.SELECT,
            required=False,
            initial=chosen or NO_DECISION,
            options=(
                Option("None", NO_DECISION),
                *(Option(d.name[:75], d.key[:150]) for d in shown),
            ),
            hint="When the vote closes, the decision's Accountable person ratifies the result.",
        ),
    )


def home(submission: Submission) -> Conversation:
    """Where the poll goes: the conversation the form was opened in."""
    try:
        meta = json.loads(submission.metadata) if submission.metadata else {}
    except ValueError:
        meta = {}
    if not isinstance(meta, dict) or not meta.get("c"):
        return submission.conversation
    return Conversation(
        submission.conversation.platform,
        submission.actor.workspace_id,
        str(meta["c"]),
        meta.get("t") or None,
    )


def source_of(submission: Submission) -> str:
    """The import a recurring vote's rounds re-run; only the form we sent carries one."""
    try:
        meta = json.loads(submission.metadata) if submission.metadata else {}
    except ValueError:
        return ""
    source = meta.get("s") if isinstance(meta, dict) else None
    return source[:MAX_TEXT_INPUT] if isinstance(source, str) else ""


def clean_items(text: str) -> list[str]:
    """One item per line; bullets and blank lines dropped, inner spaces collapsed."""
    lines = (" ".join(_BULLET.sub("", line).split()) for line in text.splitlines())
    return [line for line in lines if line]


def item_problem(items: list[str], method: Method) -> str | None:
    limit = MAX_RICE_ITEMS if method is Method.RICE else MAX_ITEMS
    if len(items) < MIN_ITEMS:
        return f"Give at least {MIN_ITEMS} items, one per line."
    if len(items) > limit:
        extra = " for RICE, so the scoring form fits on every platform" if limit < MAX_ITEMS else ""
        return f"That's {len(items)} items; a vote takes at most {limit}{extra}."
    seen: dict[str, str] = {}
    for item in items:
        if len(item) > MAX_ITEM_CHARS:
            return f"“{item[:40]}…” is too long; keep each item under {MAX_ITEM_CHARS} characters."
        key = item.casefold()
        if key in seen:
            return f"“{item}” is listed twice; each item must be different."
        seen[key] = item
    return None


def validate(submission: Submission, now: datetime, tz: ZoneInfo) -> Draft | dict[str, str]:
    """A `Draft` when every input is acceptable, else an error per input."""
    errors: dict[str, str] = {}
    question = " ".join(submission.text("question").split())
    if not question:
        errors["question"] = "Ask a question, e.g. “Which epic should we build next?”"
    elif len(question) > MAX_QUESTION_CHARS:
        errors["question"] = f"Keep the question under {MAX_QUESTION_CHARS} characters."
    try:
        method = Method(submission.text("method") or Method.RANKED.value)
    except ValueError:
        errors["method"] = "Choose one of the methods in the list."
        method = Method.RANKED
    items = clean_items(joined_text(submission, "items"))
    problem = item_problem(items, method)
    if problem:
        errors["items"] = problem
    when = _deadline(submission, now, tz, errors)
    max_choices = (
        _whole(submission, "max_choices", 3, 1, max(len(items), 1), errors)
        if method is Method.MULTI
        else 1
    )
    dots = _whole(submission, "dots", 5, 1, MAX_DOTS, errors) if method is Method.DOT else 0
    allow_additions = submission.text("allow_additions") == "yes"
    if allow_additions and method not in ADDABLE:
        errors["allow_additions"] = WHY_NOT_ADDABLE
    repeat = submission.text("repeat")
    if repeat not in REPEATS:
        repeat = ""
    chosen = submission.text("decision")
    if errors:
        return errors
    return Draft(
        question=question,
        items=tuple(items),
        method=method,
        deadline=when,
        anonymous=submission.text("anonymous") == "yes",
        hide_results=submission.text("hide_results") == "yes",
        voters=tuple(dict.fromkeys(v for v in submission.choices("voters") if v)),
        max_choices=max_choices,
        dots=dots,
        timezone=tz.key,
        decision_key="" if chosen in ("", NO_DECISION) else chosen,
        allow_additions=allow_additions,
        repeat=repeat,
        source=source_of(submission),
    )


def _deadline(
    submission: Submission, now: datetime, tz: ZoneInfo, errors: dict[str, str]
) -> datetime | None:
    words, day, clock = (submission.text(name) for name in DEADLINE_INPUTS)
    try:
        if words:
            return deadline.parse(words, now, tz)
        if day:
            return deadline.from_fields(day, clock, now, tz)
    except UserError as error:
        errors["deadline_text" if words else "deadline_date"] = error.message
        return None
    if clock:
        errors["deadline_date"] = "Pick a date for that time too."
    return None


DEADLINE_INPUTS = ("deadline_text", "deadline_date", "deadline_time")


def _whole(
    submission: Submission,
    name: str,
    default: int,
    low: int,
    high: int,
    errors: dict[str, str],
) -> int:
    raw = submission.text(name)
    if not raw:
        return min(default, high)
    value = whole_number(raw)
    if value is None or not low <= value <= high:
        errors[name] = f"Use a whole number from {low} to {high}."
        return default
    return value
