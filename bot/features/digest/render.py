"""The digest as one short, scannable message: bars for participation, ids to drill in."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.features.digest.facts import (
    STUCK_DAYS,
    UNUSED_RESEARCH,
    PollLine,
    WeekFacts,
)
from bot.features.standups import StandupWeek
from bot.replies import (
    Bar,
    Bars,
    Block,
    Bold,
    Code,
    Divider,
    Heading,
    Reply,
    Span,
    reply,
    small_print,
    text,
)

MAX_LINES = 5


def digest(facts: WeekFacts, team_name: str, *, public: bool) -> Reply:
    zone = ZoneInfo(facts.timezone)
    first = facts.start.astimezone(zone)
    last = facts.end.astimezone(zone)
    blocks: list[Block] = [
        Heading(f"Weekly product review · {first:%d %b} – {last:%d %b}"),
        small_print(f"{team_name} · everything since {first:%a %d %b %H:%M} ({facts.timezone})"),
    ]
    if facts.is_quiet:
        blocks.append(
            text("A quiet week: no stand-ups, votes, insights or RACI changes to report.")
        )
        return reply(*blocks, public=public)
    for section in (
        _standups(facts),
        _votes(facts),
        _insights(facts),
        _raci(facts),
        _decisions(facts),
        _evidence(facts),
        _waiting(facts),
    ):
        if section:
            blocks += [Divider(), *section]
    blocks.append(
        small_print(
            "Drill in: ",
            Code("/vote results <id>"),
            " · ",
            Code("/insight status <id>"),
            " · ",
            Code("/standup history"),
            " · ",
            Code("/raci show"),
        )
    )
    return reply(*blocks, public=public)


def _trend(week: StandupWeek) -> str:
    if week.rate is None or week.previous_rate is None:
        return ""
    delta = round((week.rate - week.previous_rate) * 100)
    if delta == 0:
        return "same as last week"
    return f"{'up' if delta > 0 else 'down'} {abs(delta)} points on last week"


def _standups(facts: WeekFacts) -> list[Block]:
    if not facts.standups:
        return []
    blocks: list[Block] = [text(Bold("Stand-ups"))]
    bars = [
        Bar(
            f"{w.name} this week",
            round((w.rate or 0) * 100),
            f"{w.answered}/{w.expected} · {_trend(w)}".rstrip(" ·"),
        )
        for w in facts.standups
    ] + [
        Bar(
            f"{w.name} last week",
            round((w.previous_rate or 0) * 100),
            f"{w.previous_answered}/{w.previous_expected}",
        )
        for w in facts.standups
        if w.previous_expected
    ]
    blocks.append(Bars(tuple(bars), title="Participation (%)", scale_max=100))
    for week in facts.standups:
        blocks.append(
            text(
                f"{week.name}: blockers {week.raised} raised, {week.resolved} resolved, "
                f"{len(week.still_open)} still open."
            )
        )
        for blocker in sorted(week.still_open, key=lambda b: -b.days)[:MAX_LINES]:
            stuck: list[Span] = (
                [Bold(f" stuck {blocker.days} days")] if blocker.days >= STUCK_DAYS else []
            )
            blocks.append(text(f"• {blocker.name}: {_short(blocker.text)}", *stuck))
    return blocks


def _poll(line: PollLine) -> str:
    return f"vote {line.poll_id} {_short(line.question, 70)}"


def _votes(facts: WeekFacts) -> list[Block]:
    if not (facts.opened or facts.closed):
        return []
    blocks: list[Block] = [
        text(Bold("Votes"), f": {len(facts.opened)} opened, {len(facts.closed)} closed")
    ]
    for line in facts.closed[:MAX_LINES]:
        if not line.winners:
            outcome = "no ballots"
        elif len(line.winners) > 1:
            outcome = "tie: " + " = ".join(_short(w, 40) for w in line.winners)
        else:
            outcome = "winner: " + _short(line.winners[0], 60)
        blocks.append(text(f"• {_poll(line)} → {outcome} ({line.ballots} voted)"))
    return blocks


def _insights(facts: WeekFacts) -> list[Block]:
    if not facts.insights:
        return []
    acknowledged = sum(1 for i in facts.insights if i.acknowledgements)
    rate = acknowledged / len(facts.insights)
    blocks: list[Block] = [
        text(Bold("Research insights"), f": {len(facts.insights)} posted, {rate:.0%} acknowledged"),
    ]
    unacknowledged = [i for i in facts.insights if not i.acknowledgements]
    for insight in unacknowledged[:MAX_LINES]:
        blocks.append(
            text(
                f"• not yet acknowledged: insight {insight.insight_id} {_short(insight.title, 70)}"
            )
        )
    return blocks


def _raci(facts: WeekFacts) -> list[Block]:
    if not facts.raci_changes:
        return []
    blocks: list[Block] = [text(Bold("RACI changes"), f": {len(facts.raci_changes)}")]
    blocks += [text(f"• {_short(change, 90)}") for change in facts.raci_changes[-MAX_LINES:]]
    return blocks


def _decisions(facts: WeekFacts) -> list[Block]:
    """Decisions made and by whom, voted but not ratified (for how long), and per decision the
    blockers escalated to its Accountable person and how fast they cleared."""
    if not (facts.escalations or facts.made or facts.unratified):
        return []
    blocks: list[Block] = [text(Bold("Decisions"))]
    for made in facts.made[:MAX_LINES]:
        what = f": {_short(made.decided, 60)}" if made.decided else ""
        who = made.decided_by_name or "someone"  # a settler without a display name
        blocks.append(text(f"• {_short(made.decision_name, 60)} {made.status} by {who}{what}"))
    for waiting in facts.unratified[:MAX_LINES]:
        blocks.append(
            text(
                f"• {_short(waiting.decision_name, 60)}: voted (vote {waiting.poll_id}), not "
                f"ratified for {waiting.days} days"
            )
        )
    for line in facts.escalations[:MAX_LINES]:
        parts = [f"{line.escalated} blocker{'s' if line.escalated != 1 else ''} escalated"]
        if line.resolved:
            parts.append(f"{line.resolved} resolved")
        if line.median_days_to_resolve is not None:
            parts.append(f"median {line.median_days_to_resolve:.1f} days to resolve")
        if line.still_open and line.oldest_open_days is not None:
            parts.append(f"{line.still_open} still open (oldest {line.oldest_open_days:.0f} days)")
        blocks.append(text(f"• {_short(line.decision, 60)}: " + ", ".join(parts)))
    return blocks


def _evidence(facts: WeekFacts) -> list[Block]:
    """Top-ranked items that no research supports, and research that no vote weighs."""
    flagged = [line for line in facts.closed if line.unevidenced]
    unused = facts.unused_insights
    if not (flagged or unused):
        return []
    blocks: list[Block] = [text(Bold("Evidence"))]
    for line in flagged[:MAX_LINES]:
        items = ", ".join(_short(item, 40) for item in line.unevidenced)
        blocks.append(text(f"• {_poll(line)}: top third with no linked insight: {items}"))
    if unused:
        blocks.append(
            text(
                f"Public insights of the last {UNUSED_RESEARCH.days} days that no vote "
                f"refers to: {len(unused)}"
            )
        )
    for found in unused[:MAX_LINES]:
        linked = (
            "linked to " + ", ".join(_short(item, 40) for item in found.items)
            if found.items
            else "linked to no backlog item"
        )
        blocks.append(
            text(
                f"• insight {found.insight.insight_id} {_short(found.insight.title, 60)} "
                f"({found.insight.confidence} confidence), {linked}"
            )
        )
    return blocks


def _waiting(facts: WeekFacts) -> list[Block]:
    stuck = [b for w in facts.standups for b in w.still_open if b.days >= STUCK_DAYS]
    if not facts.waiting and not stuck:
        return []
    blocks: list[Block] = [text(Bold("Waiting too long"))]
    blocks += [
        text(f"• vote {_poll(line)}: open {line.age_days} days")
        for line in facts.waiting[:MAX_LINES]
    ]
    blocks += [
        text(f"• blocker of {b.name}: {b.days} stand-ups running") for b in stuck[:MAX_LINES]
    ]
    return blocks


def _short(value: str, limit: int = 80) -> str:
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
