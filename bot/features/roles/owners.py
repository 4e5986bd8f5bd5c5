"""Who is accountable for what a piece of text names: stand-up blockers point at decisions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.events import Conversation
from bot.features.roles import service
from bot.features.roles.matrix import DecisionView, Holder, Matrix, normalise
from storage.repositories import product_teams

MIN_SINGLE_WORD = 5  # "copy" or "plans" alone say too little to name a decision

OwnerOf = Callable[[str], str | None]


@dataclass(frozen=True)
class NamedDecision:
    """A decision some text names, with who is Accountable for it in the team's matrix."""

    team_id: int
    name: str
    key: str
    accountable_role: str | None
    owners: tuple[Holder, ...]
    described: str  # "Pricing & packaging: Accountable Stakeholder (Fay)"


DecisionIn = Callable[[str], NamedDecision | None]


async def decision_lookup(
    session: AsyncSession, conversation: Conversation, now: datetime
) -> DecisionIn:
    """`decision_in(text)`: the decision the text names (its name or an alias), if any."""
    team = await product_teams.team_for(session, conversation, now)
    assert team.id is not None
    team_id = team.id
    matrix = (await service.load(session, team)).matrix
    phrases = _phrases(matrix)

    def decision_in(text: str) -> NamedDecision | None:
        words = f" {normalise(text)} "
        named = next((d for phrase, d in phrases if f" {phrase} " in words), None)
        if named is None:
            return None
        accountable = named.roles_with("A")
        role = matrix.role(accountable[0]) if accountable else None
        return NamedDecision(
            team_id,
            named.name,
            named.key,
            accountable[0] if accountable else None,
            role.holders if role else (),
            describe_accountable(named, matrix),
        )

    return decision_in


async def owner_lookup(session: AsyncSession, conversation: Conversation, now: datetime) -> OwnerOf:
    """`owner_of(text)`: "Decision — Accountable: Role (names)" for the decision the text names."""
    decision_in = await decision_lookup(session, conversation, now)

    def owner_of(text: str) -> str | None:
        named = decision_in(text)
        return named.described if named else None

    return owner_of


def _phrases(matrix: Matrix) -> list[tuple[str, DecisionView]]:
    """Every name and alias worth spotting in free text, longest first (most specific wins)."""
    found: list[tuple[str, DecisionView]] = []
    for decision in matrix.decisions:
        for phrase in (decision.name, *decision.aliases):
            key = normalise(phrase)
            if " " in key or len(key) >= MIN_SINGLE_WORD:
                found.append((key, decision))
    return sorted(found, key=lambda item: -len(item[0]))


def describe_accountable(decision: DecisionView, matrix: Matrix) -> str:
    accountable = decision.roles_with("A")
    if not accountable:
        return f"{decision.name}: no Accountable role yet"
    role = matrix.role(accountable[0])
    people = ", ".join(h.name or h.user_id for h in role.holders) if role else ""
    return f"{decision.name}: Accountable {accountable[0]}" + (f" ({people})" if people else "")


async def role_names(session: AsyncSession, conversation: Conversation, now: datetime) -> list[str]:
    """The roles of the team a conversation belongs to, in the matrix's order."""
    team = await product_teams.team_for(session, conversation, now)
    return [role.name for role in (await service.load(session, team)).matrix.roles]
