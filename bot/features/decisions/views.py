"""What decision records look like: the question to the Accountable person, the record
posted to the channel, the note to the Informed, and the log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

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
    fields,
    reply,
    small_print,
    text,
)
from storage.models.decisions import OVERRIDDEN, PENDING, RATIFIED, REOPENED, DecisionRecord
from storage.models.deliveries import Delivery
from storage.repositories.decisions import details_of

RATIFY_ACTION = "decision.ratify"
OVERRIDE_ACTION = "decision.override"
REOPEN_ACTION = "decision.reopen"
STATUS_WORDS = {
    PENDING: "waiting for the Accountable person",
    RATIFIED: "ratified",
    OVERRIDDEN: "overridden",
    REOPENED: "vote reopened",
}


def _short(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _day(moment: datetime | None) -> str:
    return f"{moment:%a %d %b %Y %H:%M} UTC" if moment else ""


def _evidence_blocks(record: DecisionRecord) -> list[Block]:
    details = details_of(record)
    blocks: list[Block] = []
    if details.by_role:
        roles = [f"{r.role} ({r.voters}): {r.top}" for r in details.by_role]
        blocks += [text(Bold("Result by role")), text("\n".join(roles))]
    if details.insights:
        insights = [
            f"Insight {i.insight_id}: {i.title} ({i.confidence} confidence)"
            for i in details.insights
        ]
        blocks += [text(Bold("Linked insights")), text("\n".join(insights))]
    else:
        blocks.append(small_print("No public insight is linked to this vote's items."))
    if details.unheard:
        unheard = ", ".join(f"{u.name} ({u.role})" for u in details.unheard)
        blocks.append(text(Bold("Consulted but did not vote: "), unheard))
    return blocks


def settle_buttons(record: DecisionRecord) -> Actions:
    value = str(record.id)
    return Actions(
        (
            Button("Ratify", RATIFY_ACTION, value, ButtonStyle.PRIMARY),
            Button("Override…", OVERRIDE_ACTION, value, opens_form=True),
            Button("Reopen the vote", REOPEN_ACTION, value, ButtonStyle.DANGER),
        )
    )


def ask(record: DecisionRecord) -> Reply:
    """The direct message to the decision's Accountable person when the vote closes."""
    return reply(
        Heading(_short(f"Decision needed: {record.decision_name}", 150)),
        text(
            f"Vote {record.poll_id} (“{_short(record.question, 200)}”) has closed. It says: ",
            Bold(record.result),
        ),
        *_evidence_blocks(record),
        settle_buttons(record),
        small_print(
            f"You are Accountable for “{record.decision_name}” in the RACI matrix. Ratify the "
            "result, override it with your reason, or reopen the vote. Decision record "
            f"{record.id}; see it any time with /decision show {record.id}."
        ),
    )


def nobody_accountable(record: DecisionRecord) -> Reply:
    """Posted in the vote's channel when no one holds the decision's Accountable role."""
    return reply(
        text(
            f"Vote {record.poll_id} informs “{record.decision_name}”, but nobody holds its "
            "Accountable role, so nobody was asked to ratify it. A workspace admin can settle "
            "it with ",
            Code(f"/decision show {record.id}"),
            ", or assign the role with /role assign.",
        ),
        public=True,
    )


def _decider(record: DecisionRecord) -> list[Span]:
    if record.decided_by is None:
        return ["nobody yet"]
    return [Mention(record.decided_by, record.decided_by_name), f" on {_day(record.decided_at)}"]


def record_blocks(record: DecisionRecord) -> list[Block]:
    verb = {RATIFIED: "Ratified by", OVERRIDDEN: "Overridden by", REOPENED: "Reopened by"}
    pairs: list[tuple[str, Sequence[Span] | str]] = []
    if record.status in (RATIFIED, OVERRIDDEN):
        pairs.append(("Decided", record.decided))
    pairs.append((f"Vote {record.poll_id} said", record.result))
    if record.status in verb:
        pairs.append((verb[record.status], _decider(record)))
    else:
        pairs.append(("Status", STATUS_WORDS[record.status]))
    blocks: list[Block] = [
        Heading(_short(f"Decision record {record.id}: {record.decision_name}", 150)),
        text(f"Question: {record.question}"),
        fields(*pairs),
    ]
    if record.status == OVERRIDDEN and record.reason:
        blocks.append(text(Bold("Why it was overridden: "), record.reason))
    return blocks + _evidence_blocks(record)


def posted(record: DecisionRecord) -> Reply:
    """The record as posted to the vote's channel once it is settled."""
    if record.status == REOPENED:
        return reply(
            text(
                f"Vote {record.poll_id} (“{_short(record.question, 200)}”) is open again: ",
                *_decider(record)[:1],
                f" reopened it instead of deciding “{record.decision_name}”. Its next result "
                "goes back to the Accountable person.",
            ),
            public=True,
        )
    return reply(*record_blocks(record), small_print(f"/decision show {record.id}"), public=True)


def informed(record: DecisionRecord) -> Reply:
    """The one note each Informed role holder gets."""
    how = "ratified" if record.status == RATIFIED else "decided, overriding the vote,"
    assert record.decided_by is not None
    return reply(
        text(
            f"For your information: “{record.decision_name}” was {how} by ",
            Mention(record.decided_by, record.decided_by_name),
            ": ",
            Bold(record.decided),
        ),
        small_print(
            f"You are Informed for this decision in the RACI matrix. Decision record "
            f"{record.id}, from vote {record.poll_id}: /decision show {record.id}"
        ),
    )


def show(record: DecisionRecord, may_settle: bool) -> Reply:
    blocks = record_blocks(record)
    if record.status == PENDING and may_settle:
        blocks.append(settle_buttons(record))
    return reply(*blocks)


def log(records: Sequence[DecisionRecord], decision_name: str | None) -> Reply:
    where = f" on “{decision_name}”" if decision_name else ""
    if not records:
        return reply(
            text(
                f"No decision records{where} yet. A vote becomes one when it names a decision: ",
                Code('/vote new Which tier first? for "Pricing & packaging"'),
                ".",
            )
        )
    lines = []
    for record in records:
        state = STATUS_WORDS[record.status]
        what = f": {_short(record.decided, 80)}" if record.decided else ""
        lines.append(
            f"record {record.id} · {_short(record.decision_name, 60)} · {state}{what} · "
            f"vote {record.poll_id} closed {_day(record.created_at)}"
        )
    return reply(
        Heading(f"Decision records{where}"),
        text("\n".join(lines)),
        small_print("See one with /decision show <id>."),
    )


def override_intro(record: DecisionRecord) -> tuple[Span, ...]:
    return (
        f"Vote {record.poll_id} said: {record.result}. ",
        "What did you decide instead, and why? The record shows both, side by side.",
    )


Render = Callable[[DecisionRecord, Delivery], Reply | None]
