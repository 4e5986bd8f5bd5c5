"""Who the RACI matrix names for a decision right now: asked, told and missed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.errors import PermissionDenied
from bot.events import Actor
from bot.features.roles import DecisionView, Holder, Matrix, load_matrix
from storage.models.core import ProductTeam


@dataclass(frozen=True)
class DecisionPeople:
    decision: DecisionView | None  # None: the decision left the matrix
    accountable_role: str
    accountable: tuple[Holder, ...]
    informed: tuple[Holder, ...]
    consulted: tuple[tuple[str, Holder], ...]  # (role, holder)

    def may_settle(self, actor: Actor) -> bool:
        """The decision's Accountable people and admins ratify, override or reopen."""
        return actor.is_admin or actor.user_id in {h.user_id for h in self.accountable}


async def matrix_of(session: AsyncSession, team_id: int) -> Matrix:
    team = await session.get(ProductTeam, team_id)
    assert team is not None
    return (await load_matrix(session, team)).matrix


async def people_for(session: AsyncSession, team_id: int, decision_key: str) -> DecisionPeople:
    matrix = await matrix_of(session, team_id)
    decision = next((d for d in matrix.decisions if d.key == decision_key), None)
    if decision is None:
        return DecisionPeople(None, "", (), (), ())

    def holders(letter: str) -> list[tuple[str, Holder]]:
        found: list[tuple[str, Holder]] = []
        for role_name in decision.roles_with(letter):
            role = matrix.role(role_name)
            found += [(role_name, holder) for holder in (role.holders if role else ())]
        return found

    accountable = holders("A")
    informed = {holder.user_id: holder for _, holder in holders("I")}
    return DecisionPeople(
        decision,
        (decision.roles_with("A") or [""])[0],
        tuple(holder for _, holder in accountable),
        tuple(informed.values()),
        tuple(holders("C")),
    )


def refuse_unless_may_settle(actor: Actor, people: DecisionPeople, decision_name: str) -> None:
    """Checked on the server for every press: a button's value says nothing about who
    may press it."""
    if people.may_settle(actor):
        return
    who = f"the {people.accountable_role}" if people.accountable_role else "its Accountable person"
    raise PermissionDenied(
        f"Only {who} for “{decision_name}” (or a workspace admin) can ratify, override or "
        "reopen this decision."
    )
