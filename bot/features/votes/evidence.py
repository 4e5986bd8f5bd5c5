"""Research weighs on priorities: RICE Confidence starts from the linked insights, and items
ranked in the top third with no linked public insight are flagged in results.

The insights feature decides what counts as evidence and how strong it is (its public API);
this module only brings it into ballots and results.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.features.insights import Ranked, evidence_for_items, unevidenced_leaders
from bot.features.votes.ballots import method_of, short
from bot.features.votes.tally import Method, Payload, Result
from bot.replies import Form, Input
from storage.models.votes import Poll
from storage.repositories.votes import items_of


async def prefilled_confidence(session: AsyncSession, poll: Poll) -> dict[int, int]:
    """Per item index, the RICE Confidence % its linked public insights support."""
    if method_of(poll) is not Method.RICE:
        return {}
    items = items_of(poll)
    found = await evidence_for_items(session, poll.team_id, items)
    percents = {i: found[item].confidence_percent for i, item in enumerate(items)}
    return {i: percent for i, percent in percents.items() if percent is not None}


def with_confidence(
    form: Form, items: Sequence[str], confidence: dict[int, int], current: Payload | None
) -> Form:
    """The RICE ballot with Confidence filled in from research where the voter has not
    scored yet (their own ballot, when they have one, always wins), and a line saying so."""
    if not confidence or current is not None:
        return form
    inputs = tuple(
        dataclasses.replace(field, initial=str(confidence[index]))
        if (index := _confidence_index(field)) is not None and index in confidence
        else field
        for field in form.inputs
    )
    backed = ", ".join(f"{short(items[i], 40)} {p}%" for i, p in sorted(confidence.items()))
    note = (
        f"Confidence is pre-filled from the research linked to each item ({backed}); "
        "change it if you know better."
    )
    return dataclasses.replace(form, inputs=inputs, intro=(*form.intro, "\n", note))


def _confidence_index(field: Input) -> int | None:
    prefix, _, number = field.name.partition("_")
    return int(number) if prefix == "confidence" and number.isdigit() else None


async def unbacked_leaders(session: AsyncSession, poll: Poll, result: Result) -> frozenset[int]:
    """Indexes of items ranked in the top third that no public insight supports, on votes
    where research backs at least one item: a team that links no research to its backlog
    would see every leader flagged, which tells it nothing."""
    if not result.ballots:
        return frozenset()
    items = items_of(poll)
    ranked = [Ranked(items[p.index], p.rank, p.score) for p in result.order]
    flagged = set(await unevidenced_leaders(session, poll.team_id, ranked))
    return frozenset(i for i, item in enumerate(items) if item in flagged)
