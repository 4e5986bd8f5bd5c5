"""Pure: the stand-up summary (and each person's answers) built from what people answered.

Blockers come first with who raised them; a blocker repeated on 3+ consecutive stand-up days
is flagged as stuck; who has not answered is listed once, plainly. `OwnerOf` is the hook for
the RACI matrix: given a blocker's text it may name the decision's Accountable person.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from rapidfuzz import fuzz

from bot.features.standups.participation import participation
from bot.features.standups.questions import Kind
from bot.replies import (
    Block,
    Bold,
    Divider,
    Heading,
    Mention,
    Reply,
    Span,
    Text,
    fields,
    reply,
    small_print,
    text,
)

OwnerOf = Callable[[str], str | None]
"""Given a blocker's text, who is accountable for what it names (e.g. "Roadmap: Accountable
Grace"), or None. The roles feature plugs its RACI lookup in here."""
EscalationOf = Callable[[str, str], str | None]
"""Given (raiser, blocker text): where its escalation to the Accountable person stands."""

STUCK_AFTER_DAYS = 3
SIMILAR_BLOCKER_SCORE = 75
_NOT_A_BLOCKER = frozenset(
    {
        "",
        "none",
        "no",
        "nope",
        "-",
        "--",
        "n/a",
        "na",
        "nothing",
        "nil",
        "no blockers",
        "no blocker",
        "none so far",
        "not really",
        "nothing blocking",
        "all good",
        "nothing so far",
        "none today",
        "no blockers today",
    }
)
_TRIM = re.compile(r"^[\s.!,;:]+|[\s.!,;:]+$")


@dataclass(frozen=True)
class Entry:
    question: str
    kind: Kind
    answer: str


@dataclass(frozen=True)
class PersonAnswers:
    """One person's answers for the day; `stuck_days` counts days the blocker has repeated."""

    user_id: str
    name: str
    entries: tuple[Entry, ...]
    stuck_days: int = 0

    @property
    def blocker(self) -> str | None:
        for entry in self.entries:
            if entry.kind is Kind.BLOCKERS and is_blocker(entry.answer):
                return entry.answer.strip()
        return None


@dataclass(frozen=True)
class Someone:
    user_id: str
    name: str


@dataclass(frozen=True)
class DaySummary:
    team_name: str
    day: date
    answers: tuple[PersonAnswers, ...]
    missing: tuple[Someone, ...] = ()
    away: tuple[Someone, ...] = ()


@dataclass(frozen=True)
class Summary:
    """What to post: `parent`, plus (user id, reply) per person when threaded."""

    parent: Reply
    thread: tuple[tuple[str, Reply], ...] = field(default_factory=tuple)


def is_blocker(answer: str) -> bool:
    """False for "none", "no", "-", "n/a", "nothing" and the like."""
    return _TRIM.sub("", answer.strip().lower()) not in _NOT_A_BLOCKER


def blocker_streak(current: str, earlier: Sequence[str | None]) -> int:
    """Consecutive stand-up days (today included) with a blocker much like `current`.

    `earlier` holds the person's blocker on each previous stand-up day, most recent first
    (None when they had none or did not answer, which ends the streak).
    """
    streak = 1
    for previous in earlier:
        if previous is None or not _similar(current, previous):
            break
        streak += 1
    return streak


def _similar(a: str, b: str) -> bool:
    return fuzz.token_set_ratio(a.lower(), b.lower()) >= SIMILAR_BLOCKER_SCORE


def build_summary(
    data: DaySummary,
    *,
    threaded: bool,
    owner_of: OwnerOf | None = None,
    escalation_of: EscalationOf | None = None,
) -> Summary:
    """The whole summary: one message (compact), or a parent with a reply per person."""
    blockers = blockers_section(data.answers, owner_of, escalation_of)
    top = [*_header(data), *blockers, *_absent(data)]
    if threaded:
        thread = tuple((person.user_id, person_reply(person)) for person in data.answers)
        if data.answers:
            top.append(small_print("Everyone's answers are in the thread."))
        return Summary(reply(*top, public=True), thread)
    body: list[Block] = []
    for person in data.answers:
        body += [Divider(), *person_blocks(person)]
    return Summary(reply(*top, *body, public=True))


def _header(data: DaySummary) -> list[Block]:
    """“3 of 3 answered, 1 away”: the same participation as stats and the digest."""
    everyone = [a.user_id for a in data.answers] + [p.user_id for p in (*data.missing, *data.away)]
    away = {someone.user_id for someone in data.away}
    counted = participation(
        [(user_id, data.day) for user_id in everyone],
        [(answer.user_id, data.day) for answer in data.answers],
        lambda user_id, _: user_id in away,
    )
    counts = f"{counted.answered} of {counted.due} answered" if counted.due else "Nobody was due"
    if counted.away:
        counts += f", {counted.away} away"
    return [
        Heading(f"Stand-up · {data.team_name} · {data.day:%a %d %b %Y}"),
        text(counts + "."),
    ]


def blockers_section(
    answers: Sequence[PersonAnswers],
    owner_of: OwnerOf | None = None,
    escalation_of: EscalationOf | None = None,
) -> list[Block]:
    """Blockers first, stuck ones flagged, each with who raised it and, via `owner_of`, who is
    accountable for what it names (and, via `escalation_of`, where its escalation stands)."""
    raised = [person for person in answers if person.blocker is not None]
    if not raised:
        return [text("No blockers today.")]
    blocks: list[Block] = [text(Bold(f"Blockers ({len(raised)})"))]
    for person in sorted(raised, key=lambda p: -p.stuck_days):
        blocker = person.blocker or ""
        spans: list[Span] = ["• ", Mention(person.user_id, person.name), ": ", blocker]
        if person.stuck_days >= STUCK_AFTER_DAYS:
            spans += ["  ", Bold(f"stuck: {person.stuck_days} stand-ups in a row")]
        blocks.append(Text(tuple(spans)))
        owner = owner_of(blocker) if owner_of else None
        escalation = escalation_of(person.user_id, blocker) if escalation_of else None
        if owner:
            blocks.append(small_print("↳ ", owner, f" · {escalation}" if escalation else ""))
    return blocks


def _absent(data: DaySummary) -> list[Block]:
    blocks: list[Block] = []
    if data.missing:
        blocks.append(small_print("Not answered yet: ", ", ".join(p.name for p in data.missing)))
    if data.away:
        blocks.append(small_print("Away: ", ", ".join(p.name for p in data.away)))
    return blocks


def person_blocks(person: PersonAnswers) -> list[Block]:
    out: list[Block] = [text(Bold(person.name))]
    pairs = [(e.question, e.answer) for e in person.entries if e.answer]
    if pairs:
        out.append(fields(*pairs))
    return out


def person_reply(person: PersonAnswers) -> Reply:
    return reply(*person_blocks(person), public=True)
