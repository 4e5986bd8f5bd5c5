"""What polls look like: the live message, results, role splits, lists and CSV exports.

Every item is drawn through `item_line`, the one place a per-item annotation (e.g. linked
insights) can later be added without touching the tallies.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.features.votes.ballots import item_options, method_of, short
from bot.features.votes.forms import ADDABLE, METHOD_NAMES
from bot.features.votes.tally import Method, Placed, Result
from bot.replies import (
    Actions,
    Bar,
    Bars,
    Block,
    Bold,
    Button,
    ButtonStyle,
    Code,
    Divider,
    Heading,
    Mention,
    Option,
    Preformatted,
    Reply,
    Select,
    Span,
    reply,
    small_print,
    text,
)
from bot.timezones import zone_or_utc
from storage.models.votes import AddedOption, Poll
from storage.repositories import votes
from storage.repositories.votes import items_of

PICK_ACTION = "vote.pick"
OPEN_BALLOT_ACTION = "vote.open"
ADD_OPTION_ACTION = "vote.add"
TOP_PER_GROUP = 3
HIDDEN_NOTE = {
    False: "Results stay hidden until the vote closes.",
    True: "Anonymous vote: results stay hidden until it closes, so no ballot can be traced "
    "by watching the bars move.",
}


@dataclass(frozen=True)
class RoleSplit:
    """Results per role group; `withheld` ballots sat in groups too small to show anonymously."""

    groups: tuple[tuple[str, int, Result], ...]
    withheld: int = 0


def when(poll: Poll, moment: datetime) -> str:
    local = moment.astimezone(zone_or_utc(poll.timezone))
    return f"{local:%a %d %b %H:%M} ({poll.timezone})"


def is_open(poll: Poll, now: datetime) -> bool:
    return poll.closed_at is None and (poll.deadline is None or now < poll.deadline)


UNBACKED_MARK = "(no evidence)"


def item_line(items: Sequence[str], placed: Placed, unbacked: frozenset[int] = frozenset()) -> str:
    """`unbacked`: items ranked in the top third with no linked public insight get marked."""
    mark = f" {UNBACKED_MARK}" if placed.index in unbacked else ""
    return f"{placed.rank}. {items[placed.index]}{mark}"


def bars(
    items: Sequence[str],
    order: Sequence[Placed],
    title: str = "",
    unbacked: frozenset[int] = frozenset(),
) -> Bars:
    return Bars(
        tuple(
            Bar(item_line(items, p, unbacked), p.score, f"{p.note}{'  (tie)' if p.tied else ''}")
            for p in order
        ),
        title=title,
    )


def unbacked_note(items: Sequence[str], unbacked: frozenset[int]) -> list[Block]:
    if not unbacked:
        return []
    names = ", ".join(short(items[i], 60) for i in sorted(unbacked))
    return [
        small_print(
            f"{UNBACKED_MARK} Ranked in the top third, yet no public insight backs it: {names}. "
            "Worth checking the research before committing (/insight search)."
        )
    ]


def status_line(poll: Poll, turnout: int, now: datetime) -> Span:
    parts = [METHOD_NAMES[method_of(poll)]]
    if poll.method == Method.MULTI:
        parts.append(f"up to {poll.max_choices} picks")
    if poll.method == Method.DOT:
        parts.append(f"{poll.dots} dots each")
    if poll.anonymous:
        parts.append("anonymous")
    parts.append(f"{turnout} voted")
    if poll.closed_at is not None:
        parts.append(f"closed {when(poll, poll.closed_at)}")
    elif poll.deadline is not None:
        verb = "closes" if now < poll.deadline else "closed"
        parts.append(f"{verb} {when(poll, poll.deadline)}")
    else:
        parts.append("closes when its creator closes it")
    return " · ".join(parts)


def support_note(support: Mapping[str, int]) -> str:
    """“Research behind the items: Magic-link sign-in 3 insights · …” (empty when none)."""
    backed = [(item, count) for item, count in support.items() if count]
    if not backed:
        return ""
    parts = [
        f"{short(item, 40)}: {count} insight{'s' if count != 1 else ''}" for item, count in backed
    ]
    return "Research behind the items: " + " · ".join(parts) + " (see /insight search)."


def poll_message(
    poll: Poll,
    result: Result | None,
    turnout: int,
    now: datetime,
    support: Mapping[str, int] | None = None,
    added: Sequence[AddedOption] = (),
) -> Reply:
    """The message in the channel, updated in place after every ballot and at close;
    `added` are the options voters added, named with who added them (none on anonymous votes)."""
    items = items_of(poll)
    blocks: list[Block] = [Heading(short(f"Vote {poll.id}: {poll.question}", 150))]
    blocks.append(small_print(status_line(poll, turnout, now)))
    if note := support_note(support or {}):
        blocks.append(small_print(note))
    if added:
        blocks.append(small_print(*_added_spans(added)))
    if voters := votes.voters_of(poll):
        blocks.append(small_print(*_voter_spans(voters)))
    if result is None or not result.ballots:
        listed = "\n".join(f"{i + 1}. {item}" for i, item in enumerate(items))
        hidden = "No ballots yet." if result is not None else HIDDEN_NOTE[poll.anonymous]
        blocks += [text(listed), small_print(hidden)]
    else:
        settled = not is_open(poll, now)
        blocks += [*winner_blocks(items, result, settled), *chart_blocks(items, result)]
    if is_open(poll, now):
        blocks.append(_vote_controls(poll, items))
        blocks.append(small_print("You can change your ballot until the vote closes."))
    return reply(*blocks, public=True)


def _voter_spans(user_ids: Sequence[str]) -> list[Span]:
    spans: list[Span] = ["Open to "]
    for position, user_id in enumerate(user_ids):
        if position:
            spans.append(", ")
        spans.append(Mention(user_id))
    return spans


def _added_spans(added: Sequence[AddedOption]) -> list[Span]:
    spans: list[Span] = ["Added by voters: "]
    for position, option in enumerate(added):
        spans.append(f"{', ' if position else ''}{option.position + 1}. {short(option.label, 60)}")
        if option.added_by:
            spans += [" (", Mention(option.added_by), ")"]
    return spans


def _vote_controls(poll: Poll, items: Sequence[str]) -> Actions:
    controls: list[Button | Select] = []
    if poll.method == Method.SINGLE:
        options = tuple(
            Option(option.label, f"{poll.id}:{option.value}") for option in item_options(items)
        )
        controls.append(Select(PICK_ACTION, "Vote for…", options))
    else:
        controls.append(
            Button("Vote", OPEN_BALLOT_ACTION, str(poll.id), ButtonStyle.PRIMARY, opens_form=True)
        )
    if poll.allow_additions and method_of(poll) in ADDABLE:
        controls.append(Button("Add an option", ADD_OPTION_ACTION, str(poll.id), opens_form=True))
    return Actions(tuple(controls))


def winner_blocks(items: Sequence[str], result: Result, settled: bool) -> list[Block]:
    """Who wins (`settled`, the vote is closed) or leads so far, in one line; for ranked
    votes where Borda and Schulze disagree, both, and one sentence why."""
    if not result.ballots:
        return [text("No ballots yet.")]
    word = "Winner" if settled else "Leading"
    if result.method is not Method.RANKED:
        return [text(*_winner_spans(items, result.winners, word))]
    if set(result.winners) == set(result.schulze_winners):
        spans = _winner_spans(items, result.winners, word)
        return [text(*spans, " (Borda count and Schulze agree)")]
    borda = _names(items, result.winners)
    schulze = _names(items, result.schulze_winners)
    return [
        text(*_winner_spans(items, result.winners, f"{word} by Borda count")),
        text(*_winner_spans(items, result.schulze_winners, f"{word} by Schulze")),
        small_print(
            f"Borda adds up every position on every ballot, so broad support puts {borda} "
            f"first; Schulze counts only who is preferred to whom, one pair at a time, and "
            f"there {schulze} {'comes' if len(result.schulze_winners) == 1 else 'come'} out ahead."
        ),
    ]


def _names(items: Sequence[str], indexes: Sequence[int]) -> str:
    return " and ".join(items[i] for i in indexes)


def _winner_spans(items: Sequence[str], winners: Sequence[int], label: str) -> list[Span]:
    names = [items[i] for i in winners]
    if len(names) == 1:
        return [f"{label}: ", Bold(names[0])]
    return [f"{label}: tie between ", Bold(" and ".join(names)), " (listed in poll order)"]


COUNTED = frozenset({Method.SINGLE, Method.MULTI, Method.DOT})  # a score of 0 means no votes


def shown_rows(result: Result) -> tuple[tuple[Placed, ...], tuple[Placed, ...]]:
    """(rows to draw, items nobody voted for): a dozen rows tied at zero votes say nothing."""
    if result.method not in COUNTED or not result.ballots:
        return result.order, ()
    drawn = tuple(p for p in result.order if p.score > 0)
    return drawn, tuple(p for p in result.order if p.score <= 0)


def chart_blocks(
    items: Sequence[str], result: Result, title: str = "", unbacked: frozenset[int] = frozenset()
) -> list[Block]:
    """The bars; before any ballot, just the items (a chart of zeros all tied says nothing)."""
    if not result.ballots:
        return [text("\n".join(f"{i + 1}. {item}" for i, item in enumerate(items)))]
    drawn, unvoted = shown_rows(result)
    blocks: list[Block] = [bars(items, drawn, title, unbacked)]
    if unvoted:
        blocks.append(small_print("No votes: " + ", ".join(items[p.index] for p in unvoted)))
    return blocks


def has_ties(result: Result) -> bool:
    drawn, _ = shown_rows(result)
    return any(p.tied for p in drawn) or any(p.tied for p in result.schulze)


def result_blocks(
    poll: Poll,
    result: Result,
    split: RoleSplit | None,
    settled: bool,
    unbacked: frozenset[int] = frozenset(),
) -> list[Block]:
    """The winner and the bars first (top-third items without evidence flagged); then the
    Schulze order when it differs, the role split."""
    items = items_of(poll)
    title = "Borda points" if result.method is Method.RANKED else ""
    blocks: list[Block] = [
        *winner_blocks(items, result, settled),
        *chart_blocks(items, result, title, unbacked),
        *unbacked_note(items, unbacked),
    ]
    borda_order = [p.index for p in result.order]
    if result.schulze and result.ballots and [p.index for p in result.schulze] != borda_order:
        schulze = "\n".join(
            f"{item_line(items, p)}  ({p.note}{', tie' if p.tied else ''})" for p in result.schulze
        )
        blocks += [text(Bold("Schulze order")), text(schulze)]
    if split is not None and split.groups:
        blocks += [Divider(), *_split_blocks(items, result, split)]
    return blocks


def _split_blocks(items: Sequence[str], overall: Result, split: RoleSplit) -> list[Block]:
    """A row per role whose winners differ from the overall result; the rest in one line."""
    lines = []
    same = []
    for role, voters, result in split.groups:
        if set(result.winners) == set(overall.winners):
            same.append(f"{role} ({voters})")
            continue
        drawn, _ = shown_rows(result)
        top = " · ".join(
            f"{item_line(items, p)}{' (tie)' if p.tied else ''}" for p in drawn[:TOP_PER_GROUP]
        )
        lines.append(f"{role} ({voters}): {top}")
    blocks: list[Block] = []
    if lines:
        blocks += [text(Bold("Where roles differ")), text("\n".join(lines))]
    if same:
        label = "Same as overall: " if lines else "Every role agrees with the overall result: "
        blocks.append(small_print(label + ", ".join(same)))
    if split.withheld:
        blocks.append(
            small_print(
                f"{split.withheld} ballots from role groups under 3 voters are not shown "
                "separately, so nobody can be singled out."
            )
        )
    return blocks


def results_reply(
    poll: Poll,
    result: Result,
    split: RoleSplit | None,
    turnout: int,
    now: datetime,
    unbacked: frozenset[int] = frozenset(),
) -> Reply:
    heading = Heading(short(f"Results of vote {poll.id}: {poll.question}", 150))
    status = small_print(status_line(poll, turnout, now))
    blocks = result_blocks(poll, result, split, not is_open(poll, now), unbacked)
    return reply(heading, *blocks, status)


def final_reply(
    poll: Poll,
    result: Result,
    split: RoleSplit | None,
    turnout: int,
    unbacked: frozenset[int] = frozenset(),
) -> Reply:
    """Posted to the channel once, when the vote closes."""
    assert poll.closed_at is not None
    heading = Heading(short(f"Final result of vote {poll.id}: {poll.question}", 150))
    status = small_print(status_line(poll, turnout, poll.closed_at))
    blocks = result_blocks(poll, result, split, True, unbacked)
    if has_ties(result):
        blocks.append(
            small_print("Ties share a rank; among tied items the one listed first is shown first.")
        )
    return reply(heading, *blocks, status, public=True)


def list_reply(polls: Sequence[Poll], turnouts: dict[int, int], now: datetime) -> Reply:
    if not polls:
        return reply(text("No votes in this channel yet. Start one with ", Code("/vote new"), "."))
    lines = []
    for poll in polls:
        state = "open" if is_open(poll, now) else "closed"
        lines.append(
            f"vote {poll.id} [{state}] {short(poll.question, 80)} · "
            f"{METHOD_NAMES[method_of(poll)]} · {turnouts.get(poll.id or 0, 0)} voted"
        )
    return reply(
        Heading("Votes in this channel"),
        text("\n".join(lines)),
        small_print("See one with /vote results <id>."),
    )


def export_reply(poll: Poll, result: Result, ballot_rows: Sequence[tuple[str, str]]) -> Reply:
    """CSV of the result; `ballot_rows` (voter, ballot) only for open polls, to their creator."""
    items = items_of(poll)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rank", "item", "score", "tied", "detail"])
    for p in result.order:
        writer.writerow([p.rank, items[p.index], f"{p.score:g}", "yes" if p.tied else "", p.note])
    blocks: list[Block] = [
        Heading(short(f"Export of vote {poll.id}", 150)),
        Preformatted(out.getvalue()),
    ]
    if result.method is Method.RANKED:
        blocks.append(Preformatted(_schulze_csv(items, result)))
    if ballot_rows:
        ballots_out = io.StringIO()
        ballot_writer = csv.writer(ballots_out, lineterminator="\n")
        ballot_writer.writerow(["voter", "ballot"])
        ballot_writer.writerows(ballot_rows)
        blocks.append(Preformatted(ballots_out.getvalue()))
    elif poll.anonymous:
        blocks.append(small_print("Anonymous vote: only totals are exported, never ballots."))
    return reply(*blocks)


def _schulze_csv(items: Sequence[str], result: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["schulze_rank", "item", "beats", "tied"])
    for p in result.schulze:
        writer.writerow([p.rank, items[p.index], f"{p.score:g}", "yes" if p.tied else ""])
    return out.getvalue()
