"""The set-up form and the answer form: how they look, and reading what came back."""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time

from bot.events import FormValue, Submission
from bot.features.standups.questions import (
    DEFAULT_QUESTIONS,
    Question,
    QuestionError,
    parse_questions,
    questions_text,
)
from bot.features.standups.schedule import WEEKDAY_NAMES, WORKING_WEEK, parse_weekdays
from bot.features.standups.service import COMPACT, THREADED
from bot.features.standups.summary import Entry
from bot.mentions import CHANNEL_MENTION, MENTION
from bot.replies import Form, Input, InputKind, Option, Span
from bot.timezones import clock_text, parse_clock, suggest_zones, zone
from storage.models.standups import StandupTeam

SETUP_FORM = "standup.setup"
ANSWER_FORM = "standup.answer"
MAX_ANSWER_CHARS = 3000
MAX_NAME_CHARS = 80
MAX_MEMBERS = 5000
MAX_REMINDER_MINUTES = 8 * 60
MAX_ESCALATE_DAYS = 30
DEFAULT_ESCALATE_DAYS = 3
STYLES = (
    (THREADED, "Threaded: one message, answers in its thread"),
    (COMPACT, "Compact: one message"),
)
RESERVED_SLUGS = frozenset(
    {
        "setup",
        "tz",
        "skip",
        "unskip",
        "holiday",
        "holidays",
        "history",
        "stats",
        "list",
        "help",
        "remove",
        "escalate",
        "skips",
    }
)
_ID = re.compile(r"^[A-Za-z0-9:_.\-@]+$")


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64]


# Set-up -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetupDefaults:
    name: str
    channel_id: str
    member_ids: tuple[str, ...]
    questions: tuple[Question, ...]
    weekdays: frozenset[int]
    prompt_time: str
    reminder_minutes: int
    summary_time: str
    timezone: str
    style: str
    escalate_after_days: int = DEFAULT_ESCALATE_DAYS


def new_team_defaults(name: str, channel_id: str, actor_id: str, timezone: str) -> SetupDefaults:
    return SetupDefaults(
        name,
        channel_id,
        (actor_id,),
        DEFAULT_QUESTIONS,
        WORKING_WEEK,
        "09:30",
        60,
        "11:00",
        timezone,
        THREADED,
    )


def team_defaults(
    team: StandupTeam, member_ids: Sequence[str], questions: tuple[Question, ...]
) -> SetupDefaults:
    return SetupDefaults(
        team.name,
        team.channel_id,
        tuple(member_ids),
        questions,
        frozenset(int(d) for d in team.weekdays.split(",") if d),
        team.prompt_time,
        team.reminder_minutes,
        team.summary_time,
        team.timezone,
        team.style,
        team.escalate_after_days,
    )


def setup_form(defaults: SetupDefaults, team_id: int | None) -> Form:
    """Everything a stand-up needs, on one form; `metadata` says which team it edits."""
    return Form(
        form_id=SETUP_FORM,
        title="Stand-up set-up",
        submit_label="Save",
        metadata=str(team_id or ""),
        intro=("Prompts go to each member at the prompt time in their own time zone.",),
        inputs=(
            Input("name", "Team name", initial=defaults.name, max_length=MAX_NAME_CHARS),
            Input(
                "channel",
                "Post summaries in",
                InputKind.CHANNEL,
                initial=defaults.channel_id,
                hint="Defaults to this conversation.",
                required=False,
            ),
            Input("members", "Members", InputKind.USERS, initial=defaults.member_ids),
            Input(
                "questions",
                "Questions",
                InputKind.MULTILINE,
                initial=questions_text(defaults.questions),
                hint="One per line. End a line with (optional) to make it optional.",
                max_length=2000,
            ),
            Input(
                "days",
                "Stand-up days",
                InputKind.MULTI_SELECT,
                initial=tuple(str(d) for d in sorted(defaults.weekdays)),
                options=tuple(Option(name, str(i + 1)) for i, name in enumerate(WEEKDAY_NAMES)),
            ),
            Input(
                "prompt_time",
                "Prompt time (each member's local time)",
                InputKind.TIME,
                initial=defaults.prompt_time,
                placeholder="09:30",
            ),
            Input(
                "reminder",
                "Reminder after (minutes, 0 for none)",
                InputKind.NUMBER,
                initial=str(defaults.reminder_minutes),
                min_value=0,
                max_value=MAX_REMINDER_MINUTES,
            ),
            Input(
                "summary_time",
                "Summary time",
                InputKind.TIME,
                initial=defaults.summary_time,
                placeholder="11:00",
            ),
            Input(
                "timezone",
                "Summary time zone",
                initial=defaults.timezone,
                placeholder="Europe/Berlin",
                max_length=64,
            ),
            Input(
                "style",
                "Summary style",
                InputKind.SELECT,
                initial=defaults.style,
                options=tuple(Option(label, value) for value, label in STYLES),
            ),
            Input(
                "escalate",
                "Escalate stuck blockers after (stand-up days, 0 for never)",
                InputKind.NUMBER,
                initial=str(defaults.escalate_after_days),
                hint="A blocker naming a RACI decision goes to its Accountable person once.",
                required=False,
                min_value=0,
                max_value=MAX_ESCALATE_DAYS,
            ),
        ),
    )


@dataclass(frozen=True)
class SetupValues:
    name: str
    slug: str
    channel_id: str
    member_ids: tuple[str, ...]
    questions: tuple[Question, ...]
    weekdays: frozenset[int]
    prompt_time: time
    reminder_minutes: int
    summary_time: time
    timezone: str
    style: str
    escalate_after_days: int = DEFAULT_ESCALATE_DAYS

    @property
    def weekdays_column(self) -> str:
        return ",".join(str(d) for d in sorted(self.weekdays))

    @property
    def prompt_text(self) -> str:
        return clock_text(self.prompt_time)

    @property
    def summary_text(self) -> str:
        return clock_text(self.summary_time)


def read_setup(submission: Submission) -> SetupValues | dict[str, str]:
    """The submitted set-up, or an error message per input that cannot be used."""
    errors: dict[str, str] = {}
    name = submission.text("name")
    slug = slugify(name)
    if not slug:
        errors["name"] = "Give the team a name with at least one letter or digit."
    elif len(name) > MAX_NAME_CHARS:
        errors["name"] = f"Up to {MAX_NAME_CHARS} characters, please."
    elif slug in RESERVED_SLUGS:
        errors["name"] = f"“{name}” is a /standup command word; pick another name."
    channel_id = (
        _one_id(submission.text("channel"), CHANNEL_MENTION) or submission.conversation.channel_id
    )
    if submission.conversation.is_direct and not submission.text("channel"):
        errors["channel"] = "Pick the channel where summaries should be posted."
    elif not _ID.match(channel_id):
        errors["channel"] = "That is not a channel I can post to."
    members = _user_ids(submission.choices("members"))
    if members is None:
        errors["members"] = "Pick people from the list (or mention them like @Ada)."
    elif not members:
        errors["members"] = "Add at least one member."
    elif len(members) > MAX_MEMBERS:
        errors["members"] = f"Up to {MAX_MEMBERS:,} members per stand-up."
    try:
        questions = parse_questions(submission.text("questions"))
    except QuestionError as error:
        errors["questions"] = str(error)
        questions = ()
    try:
        weekdays = parse_weekdays(submission.choices("days"))
    except ValueError as error:
        errors["days"] = str(error)
        weekdays = frozenset()
    if not weekdays and "days" not in errors:
        errors["days"] = "Pick at least one day."
    prompt_time = _time(submission, "prompt_time", errors)
    summary_time = _time(submission, "summary_time", errors)
    reminder = _minutes(submission.text("reminder"), errors)
    escalate = _escalate_days(submission.text("escalate"), errors)
    timezone = submission.text("timezone") or "UTC"
    if zone(timezone) is None:
        errors["timezone"] = unknown_zone_message(timezone)
    style = submission.text("style") or THREADED
    if style not in {value for value, _ in STYLES}:
        errors["style"] = "Pick threaded or compact."
    if errors or prompt_time is None or summary_time is None or members is None:
        return errors
    return SetupValues(
        name,
        slug,
        channel_id,
        members,
        questions,
        weekdays,
        prompt_time,
        reminder,
        summary_time,
        timezone,
        style,
        escalate,
    )


def _time(submission: Submission, name: str, errors: dict[str, str]) -> time | None:
    raw = submission.text(name)
    parsed = parse_clock(raw)
    if parsed is None:
        errors[name] = (
            f"“{raw[:20]}” is not a time; use HH:MM, e.g. 09:30."
            if raw
            else ("Give a time as HH:MM, e.g. 09:30.")
        )
    return parsed


def _minutes(raw: str, errors: dict[str, str]) -> int:
    try:
        minutes = int(float(raw or "0"))
    except (ValueError, OverflowError):  # "nan" is a ValueError here, "inf" an OverflowError
        errors["reminder"] = "Give a number of minutes, e.g. 60 (0 for no reminder)."
        return 0
    if not 0 <= minutes <= MAX_REMINDER_MINUTES:
        errors["reminder"] = f"Between 0 and {MAX_REMINDER_MINUTES} minutes, please."
    return minutes


def _escalate_days(raw: str, errors: dict[str, str]) -> int:
    """Absent (a form from before the setting existed) means the default."""
    if not raw:
        return DEFAULT_ESCALATE_DAYS
    days = parse_escalate_days(raw)
    if days is None:
        errors["escalate"] = (
            f"Give a number of stand-up days from 0 (never) to {MAX_ESCALATE_DAYS}, e.g. 3."
        )
        return DEFAULT_ESCALATE_DAYS
    return days


def parse_escalate_days(raw: str) -> int | None:
    """`3`, `0`, `off`/`never` (0); None for anything else or out of range."""
    word = raw.strip().lower()
    if word in {"off", "never", "no"}:
        return 0
    if not word.isdigit() or not 0 <= int(word) <= MAX_ESCALATE_DAYS:
        return None
    return int(word)


def _one_id(raw: str, pattern: re.Pattern[str]) -> str:
    """An id typed plainly or as a mention token (`<#C1|general>`, `<@U1|Ada>`)."""
    match = pattern.search(raw)
    return match.group(1) if match else raw.strip()


def _user_ids(values: Sequence[str]) -> tuple[str, ...] | None:
    ids: list[str] = []
    for value in values:
        for part in MENTION.findall(value) or [(value.strip(), "")]:
            user_id = part[0]
            if not user_id:
                continue
            if not _ID.match(user_id):
                return None
            if user_id not in ids:
                ids.append(user_id)
    return tuple(ids)


def unknown_zone_message(name: str) -> str:
    close = suggest_zones(name)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    return f"I don't know the time zone “{name[:64]}”.{hint} Use a name like Europe/Paris."


# Answers ------------------------------------------------------------------------------------


def fingerprint(questions: Sequence[Question]) -> str:
    """Changes when the questions change, so a stale open form is not misread."""
    return format(zlib.crc32("\n".join(q.as_line() for q in questions).encode()), "x")


def answer_form(
    team: StandupTeam,
    questions: Sequence[Question],
    day: date,
    initial: Mapping[int, str],
    intro: Sequence[Span],
) -> Form:
    assert team.id is not None
    return Form(
        form_id=ANSWER_FORM,
        title="Stand-up",
        submit_label="Send",
        metadata=f"{team.id}|{day.isoformat()}|{fingerprint(questions)}",
        intro=tuple(intro),
        inputs=tuple(
            Input(
                f"q{i}",
                question.text,
                InputKind.MULTILINE,
                required=question.required,
                initial=initial.get(i),
                max_length=MAX_ANSWER_CHARS,
            )
            for i, question in enumerate(questions)
        ),
    )


@dataclass(frozen=True)
class AnswerTarget:
    team_id: int
    day: date
    fingerprint: str


def read_target(metadata: str) -> AnswerTarget | None:
    parts = metadata.split("|")
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    try:
        return AnswerTarget(int(parts[0]), date.fromisoformat(parts[1]), parts[2])
    except ValueError:
        return None


def read_answers(
    values: Mapping[str, FormValue], questions: Sequence[Question]
) -> tuple[Entry, ...] | dict[str, str]:
    """The answers in question order, or an error per answer that is too long or missing."""
    errors: dict[str, str] = {}
    entries: list[Entry] = []
    for i, question in enumerate(questions):
        raw = values.get(f"q{i}")
        answer = (", ".join(raw) if isinstance(raw, list) else raw or "").strip()
        if len(answer) > MAX_ANSWER_CHARS:
            errors[f"q{i}"] = (
                f"This answer is {len(answer):,} characters; the limit is {MAX_ANSWER_CHARS:,}. "
                "Please shorten it — your text is kept."
            )
        elif question.required and not answer:
            errors[f"q{i}"] = "Please answer this one (write “none” if there is nothing)."
        entries.append(Entry(question.text, question.kind, answer))
    return errors or tuple(entries)
