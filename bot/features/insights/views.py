"""How insights look: the broadcast card, its retracted form, lists, status and subscriptions.

Every piece of user-written text goes in as a plain `str` span, which adapters escape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.features.insights.matching import (
    ACK_KINDS,
    CONFIDENCES,
    METHODS,
    TargetKind,
    label_of,
)
from bot.replies import (
    Actions,
    Block,
    Bold,
    Button,
    ButtonStyle,
    Code,
    Heading,
    Mention,
    Reply,
    Span,
    buttons,
    fields,
    reply,
    small_print,
    text,
)
from storage.models.insights import InsightAck, InsightSubscription
from storage.repositories.insights import AudienceEntry, InsightView
from storage.repositories.personal import FORMER_PREFIX

ACTION_PREFIX = "insight."


def count(number: int, singular: str, plural: str = "") -> str:
    """`1 channel`, `2 channels`."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def tag_list(tags: Sequence[str]) -> str:
    return " ".join(f"#{tag}" for tag in tags) or "none"


def audience_spans(audience: Sequence[AudienceEntry]) -> list[Span]:
    """Channels by name, people as real mentions."""
    spans: list[Span] = []
    for index, entry in enumerate(audience):
        if index:
            spans.append(", ")
        if entry.kind == TargetKind.PERSON:
            spans.append(Mention(entry.target_id, entry.label))
        else:
            spans.append(f"#{entry.label or entry.target_id}")
    return spans


def tally_line(counts: Mapping[str, int]) -> str:
    return " · ".join(f"{label} {counts.get(kind, 0)}" for kind, label in ACK_KINDS)


def insight_card(view: InsightView, counts: Mapping[str, int]) -> Reply:
    """The broadcast: the finding, its provenance, the live tally and the answer buttons."""
    insight = view.insight
    blocks: list[Block] = [
        Heading(f"Research insight {view.id}"),
        text(Bold("Title: "), insight.title),
        text(insight.finding),
        fields(*_facts(view)),
    ]
    if insight.evidence:
        blocks.append(text(Bold("Evidence"), "\n", insight.evidence))
    if view.items:
        blocks.append(
            text(Bold("Supports backlog items"), "\n", "\n".join(f"• {i}" for i in view.items))
        )
    blocks.append(small_print(*_provenance(view)))
    blocks.append(small_print(tally_line(counts)))
    blocks.append(answer_buttons(view.id))
    return reply(*blocks, public=True)


def answer_buttons(insight_id: int) -> Actions:
    """Seen / Will act / Disagree: on every copy, and on the person's home page."""
    return buttons(
        Button("Seen", f"{ACTION_PREFIX}seen", str(insight_id)),
        Button("Will act", f"{ACTION_PREFIX}act", str(insight_id), ButtonStyle.PRIMARY),
        Button(
            "Disagree",
            f"{ACTION_PREFIX}disagree",
            str(insight_id),
            ButtonStyle.DANGER,
            opens_form=True,
        ),
    )


def _facts(view: InsightView) -> list[tuple[str, str]]:
    insight = view.insight
    facts = [
        ("Method", label_of(METHODS, insight.method)),
        ("Confidence", label_of(CONFIDENCES, insight.confidence)),
    ]
    if insight.participants is not None:
        facts.append(("Participants", f"{insight.participants:,}"))
    if insight.source_study:
        facts.append(("Source study", insight.source_study))
    facts.append(("Tags", tag_list(view.tags)))
    return facts


def _provenance(view: InsightView) -> list[Span]:
    insight = view.insight
    spans: list[Span] = [
        "Shared by ",
        Mention(insight.author_id, insight.author_name),
        f" on {day(insight.created_at)}",
    ]
    if insight.updated_at > insight.created_at:
        spans.append(f" · edited {day(insight.updated_at)}")
    if insight.is_private:
        spans += [" · private: only for ", *audience_spans(view.audience)]
    return spans


def retracted_card(view: InsightView, by_name: str) -> Reply:
    """What every copy turns into once retracted: unmistakable, and nothing left to press."""
    insight = view.insight
    when = day(insight.retracted_at) if insight.retracted_at else "today"
    return reply(
        Heading(f"RETRACTED: research insight {view.id}"),
        text(
            "This insight was retracted by ",
            Mention(insight.retracted_by or insight.author_id, by_name),
            f" on {when}. Please do not rely on it any more.",
        ),
        small_print("It was titled: ", insight.title),
        public=True,
    )


def withdrawn_card(insight_id: int) -> Reply:
    """Replaces a copy in a place a private insight no longer reaches (after an edit)."""
    return reply(
        Heading(f"Research insight {insight_id} is no longer shared here"),
        text("Its author made it private to other channels and people."),
        public=True,
    )


def insight_line(view: InsightView) -> list[Span]:
    """One line in a list or search result."""
    spans: list[Span] = [
        Code(f"insight {view.id}"),
        " ",
        view.insight.title,
        f" · {tag_list(view.tags)} · {day(view.insight.created_at)} · by ",
        Mention(view.insight.author_id, view.insight.author_name),
    ]
    if view.insight.is_private:
        spans.append(" · private")
    return spans


def insight_list(heading: str, views: Sequence[InsightView], empty: str) -> Reply:
    if not views:
        return reply(Heading(heading), text(empty))
    lines: list[Span] = []
    for index, view in enumerate(views):
        if index:
            lines.append("\n")
        lines += insight_line(view)
    return reply(
        Heading(heading),
        text(*lines),
        small_print(
            "Read one: ",
            Code("/insight show <number>"),
            " · who answered: ",
            Code("/insight status <number>"),
            " (authors)",
        ),
    )


def status_report(
    view: InsightView,
    acks: Sequence[InsightAck],
    not_yet: Mapping[str, str],
    posted: tuple[int, int],
) -> Reply:
    """Who answered what, with names and disagreement reasons, and who has not answered."""
    blocks: list[Block] = [
        Heading(f"Insight {view.id}: who answered"),
        text(Bold("Title: "), view.insight.title),
    ]
    for kind, label in ACK_KINDS:
        answered = [ack for ack in acks if ack.kind == kind]
        blocks.append(text(Bold(f"{label} ({len(answered)})"), "\n", *_people(answered, kind)))
    waiting = sorted(not_yet.items(), key=lambda item: item[1].casefold())
    spans: list[Span] = [Bold(f"Not yet ({len(waiting)})"), "\n"]
    spans += _join([Mention(uid, name) for uid, name in waiting]) or ["nobody"]
    blocks.append(text(*spans))
    channels, people = posted
    blocks.append(
        small_print(
            f"Posted to {count(channels, 'channel')} and {count(people, 'person', 'people')} "
            "by direct message. "
            "“Not yet” lists the people it was sent to directly and the team's role holders "
            "who have not answered; members of channels cannot be known."
        )
    )
    if view.insight.retracted_at:
        blocks.append(small_print("This insight is retracted."))
    return reply(*blocks)


def _people(answered: Sequence[InsightAck], kind: str) -> list[Span]:
    if not answered:
        return ["nobody"]
    if kind != "disagree":
        return _join([_who(ack) for ack in answered])
    spans: list[Span] = []
    for index, ack in enumerate(answered):
        if index:
            spans.append("\n")
        spans += ["• ", _who(ack), f": {ack.reason}"]
    return spans


def _who(ack: InsightAck) -> Span:
    """A real mention, except for someone whose data was erased: they have no id to mention."""
    if ack.user_id.startswith(FORMER_PREFIX):
        return ack.display_name
    return Mention(ack.user_id, ack.display_name)


def _join(mentions: Sequence[Span]) -> list[Span]:
    spans: list[Span] = []
    for index, mention in enumerate(mentions):
        if index:
            spans.append(", ")
        spans.append(mention)
    return spans


def subscriptions_report(
    channel_rows: Sequence[InsightSubscription], own_follows: Sequence[str]
) -> Reply:
    by_channel: dict[tuple[str, str], list[str]] = {}
    for row in channel_rows:
        by_channel.setdefault((row.target_id, row.target_name), []).append(row.tag)
    lines: list[Span] = []
    for (channel_id, name), tags in sorted(by_channel.items(), key=lambda item: item[0][1]):
        lines += ["\n" if lines else "", f"#{name or channel_id}: {tag_list(tags)}"]
    return reply(
        Heading("Insight subscriptions"),
        text(Bold("Channels"), "\n", *(lines or ["none yet"])),
        text(Bold("You follow"), "\n", tag_list(own_follows) if own_follows else "no tags"),
        small_print(
            "Subscribe a channel: ",
            Code("/insight subscribe here onboarding"),
            " · follow by DM: ",
            Code("/insight follow onboarding"),
        ),
    )
