"""Replies the stand-up feature sends, apart from the summary itself."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from bot.features.standups.questions import Question
from bot.features.standups.schedule import weekdays_text
from bot.features.standups.summary import Entry
from bot.replies import (
    Bar,
    Bars,
    Block,
    Bold,
    Button,
    ButtonStyle,
    Code,
    Divider,
    Heading,
    Reply,
    buttons,
    fields,
    reply,
    small_print,
    text,
)
from storage.models.standups import StandupTeam

OPEN_ACTION = "standup.open"
SKIP_ACTION = "standup.skip"
MAX_HISTORY_ENTRIES = 40


def day_label(day: date) -> str:
    return f"{day:%a %d %b}"


def action_value(team_id: int, day: date) -> str:
    return f"{team_id}:{day.isoformat()}"


def prompt(
    team: StandupTeam,
    questions: Sequence[Question],
    day: date,
    *,
    reminder: bool,
    zone_hint: bool,
) -> Reply:
    """The DM that asks for today's answers, with a button that opens the form."""
    assert team.id is not None
    lead = (
        ("Reminder: your ", Bold(team.name), f" stand-up for {day_label(day)} is still open.")
        if reminder
        else ("Time for your ", Bold(team.name), f" stand-up ({day_label(day)}).")
    )
    blocks: list[Block] = [
        text(*lead),
        small_print(" · ".join(q.text for q in questions)),
        buttons(
            Button(
                "Answer",
                OPEN_ACTION,
                action_value(team.id, day),
                ButtonStyle.PRIMARY,
                opens_form=True,
            ),
            Button("Skip today", SKIP_ACTION, action_value(team.id, day)),
        ),
    ]
    if zone_hint:
        blocks.append(
            small_print(
                f"I don't know your time zone, so I use UTC ({team.prompt_time} UTC). Set yours "
                "with ",
                Code("/standup tz Europe/Paris"),
                ".",
            )
        )
    return reply(*blocks, public=True)


def saved(
    team: StandupTeam, day: date, entries: Sequence[Entry], *, summary_updated: bool
) -> Reply:
    after = (
        "The posted summary was updated."
        if summary_updated
        else f"You can edit it with /standup until the summary at {team.summary_time} "
        f"({team.timezone}); edits after that update the summary."
    )
    return reply(
        text("Thanks! Your ", Bold(team.name), f" stand-up for {day_label(day)} is saved."),
        fields(*[(e.question, e.answer or "—") for e in entries]),
        small_print(after),
    )


def choose_team(teams: Sequence[StandupTeam], day: date) -> Reply:
    return reply(
        text("You're in several stand-ups. Which one do you want to answer?"),
        buttons(
            *[
                Button(team.name, OPEN_ACTION, action_value(team.id or 0, day), opens_form=True)
                for team in teams[:5]
            ]
        ),
        small_print("Or name it: ", Code(f"/standup {teams[0].slug}")),
    )


@dataclass(frozen=True)
class MemberLine:
    name: str
    zone: str
    fallback: bool
    after_summary: bool = False  # their prompt time comes after the team's summary time

    @property
    def note(self) -> str:
        if self.fallback:
            return f"{self.zone} (unknown, using UTC)"
        if self.after_summary:
            return f"{self.zone} (prompted after the summary; their answers are added to it)"
        return self.zone


def team_saved(
    team: StandupTeam, questions: Sequence[Question], members: Sequence[MemberLine], created: bool
) -> Reply:
    blocks: list[Block] = [
        text(
            "Stand-up ",
            Bold(team.name),
            " created." if created else " updated.",
            " Answer any time with ",
            Code(f"/standup {team.slug}"),
            ".",
        ),
        *team_blocks(team, questions),
        fields(*[(m.name, m.note) for m in members]),
    ]
    if any(m.fallback for m in members):
        blocks.append(
            small_print(
                "Members without a known time zone are prompted in UTC until they set theirs with ",
                Code("/standup tz Europe/Paris"),
                ".",
            )
        )
    return reply(*blocks)


def team_blocks(team: StandupTeam, questions: Sequence[Question]) -> list[Block]:
    reminder = f"after {team.reminder_minutes} min" if team.reminder_minutes else "none"
    return [
        fields(
            ("Days", weekdays_text([int(d) for d in team.weekdays.split(",") if d])),
            ("Prompt", f"{team.prompt_time}, each member's local time"),
            ("Reminder", reminder),
            ("Summary", f"{team.summary_time} {team.timezone}, {team.style}"),
            ("Questions", " · ".join(q.as_line() for q in questions)),
        )
    ]


def team_list(teams: Sequence[StandupTeam], member_counts: Mapping[int, int]) -> Reply:
    if not teams:
        return reply(text("No stand-ups yet. Create one with ", Code("/standup setup Design"), "."))
    blocks: list[Block] = [Heading("Stand-ups")]
    for team in teams:
        count = member_counts.get(team.id or 0, 0)
        blocks.append(
            text(
                Bold(team.name),
                " · ",
                Code(f"/standup {team.slug}"),
                f" · {count} member{'s' if count != 1 else ''} · prompt {team.prompt_time} local"
                f" · summary {team.summary_time} {team.timezone}",
            )
        )
    return reply(*blocks)


@dataclass(frozen=True)
class HistoryItem:
    day: date
    name: str
    entries: tuple[Entry, ...]
    on_time: bool


def history(team_name: str, period: str, items: Sequence[HistoryItem], who: str | None) -> Reply:
    title = f"Stand-up history · {team_name}" + (f" · {who}" if who else "")
    if not items:
        return reply(Heading(title), text(f"No answers {period}."))
    blocks: list[Block] = [Heading(title), small_print(period)]
    shown = items[:MAX_HISTORY_ENTRIES]
    current: date | None = None
    for item in shown:
        if item.day != current:
            current = item.day
            blocks += [Divider(), text(Bold(day_label(item.day)))]
        late = "" if item.on_time else " (late)"
        blocks += [
            text(Bold(item.name), late),
            fields(*[(e.question, e.answer) for e in item.entries if e.answer]),
        ]
    if len(items) > len(shown):
        blocks.append(
            small_print(
                f"Showing the latest {len(shown)} of {len(items)} answers; "
                "pick a shorter period or one person to see the rest."
            )
        )
    return reply(*blocks)


@dataclass(frozen=True)
class MemberStats:
    """One person's row in `/standup stats` (the rate in percent, unlike `participation.rate`)."""

    name: str
    expected: int
    answered: int
    on_time: int

    @property
    def rate(self) -> float:
        return round(100 * self.answered / self.expected) if self.expected else 0.0


def stats(team_name: str, period: str, rows: Sequence[MemberStats]) -> Reply:
    expected = sum(r.expected for r in rows)
    answered = sum(r.answered for r in rows)
    on_time = sum(r.on_time for r in rows)
    if not expected:
        return reply(Heading(f"Stand-up stats · {team_name}"), text(f"No stand-up days {period}."))
    team_rate = round(100 * answered / expected)
    bars = Bars(
        tuple(
            Bar(r.name, r.rate, f"({r.answered}/{r.expected} days, {r.on_time} on time)")
            for r in sorted(rows, key=lambda r: (-r.rate, r.name.lower()))
        ),
        title="Participation (%)",
        scale_max=100,
    )
    return reply(
        Heading(f"Stand-up stats · {team_name}"),
        small_print(period),
        fields(
            ("Team participation", f"{team_rate}% ({answered} of {expected} answers)"),
            ("On time", f"{on_time} of {answered}, {answered - on_time} late"),
        ),
        bars,
    )
