"""Matrix operations over storage: load, resolve names, edit, with the RACI rules enforced."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from rapidfuzz import fuzz, process, utils
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.context import Context
from bot.errors import PermissionDenied, UserError
from bot.events import Actor, Conversation
from bot.features.roles import template
from bot.features.roles.matrix import (
    DecisionView,
    Holder,
    Matrix,
    RoleView,
    normalise,
    require_one_accountable,
    validate_role_name,
)
from storage.models.core import ProductTeam
from storage.models.roles import Decision, Role
from storage.repositories import product_teams, roster
from storage.repositories import roles as repo


@dataclass
class TeamMatrix:
    """A team's matrix plus the rows behind it, for edits in the same transaction."""

    team: ProductTeam
    matrix: Matrix
    rows: repo.MatrixRows

    def role_row(self, name: str) -> Role | None:
        key = normalise(name)
        return next((role for role in self.rows.roles if role.key == key), None)

    def decision_row(self, name: str) -> Decision | None:
        key = normalise(name)
        return next((d for d in self.rows.decisions if d.key == key), None)


async def load(session: AsyncSession, team: ProductTeam) -> TeamMatrix:
    rows = await repo.load(session, team)
    return TeamMatrix(team, build_matrix(rows), rows)


async def cached_matrix(ctx: Context, conversation: Conversation) -> Matrix:
    """The conversation's team matrix, for reading only: this process's copy while the
    workspace's roster stamp is the one it was read under (one statement, outside any
    transaction), else read afresh and kept. Edits load their own rows in their transaction."""
    workspace = conversation.workspace_id
    team_key = ("roles.team", conversation.channel_id)
    async with ctx.db.connection() as connection:
        stamp = await roster.stamp(connection, workspace)
    team_id = ctx.cache.get(workspace, stamp, team_key)
    matrix = ctx.cache.get(workspace, stamp, ("roles.matrix", team_id))
    if isinstance(matrix, Matrix):
        return matrix
    return await ctx.cache.read_once(
        ("roles.read", workspace, conversation.channel_id, stamp),
        lambda: _read_matrix(ctx, conversation, team_key),
    )


async def _read_matrix(
    ctx: Context, conversation: Conversation, team_key: tuple[str, str]
) -> Matrix:
    workspace = conversation.workspace_id
    async with ctx.db.transaction() as session:
        # The stamp first: the rows read after it are at least as new as what it vouches for.
        stamp = await roster.stamp_in(session, workspace)
        team = await product_teams.team_for(session, conversation, ctx.clock.now())
        matrix = build_matrix(await repo.load(session, team))
    ctx.cache.put(workspace, stamp, team_key, team.id)
    ctx.cache.put(workspace, stamp, ("roles.matrix", team.id), matrix)
    return matrix


def build_matrix(rows: repo.MatrixRows) -> Matrix:
    """The team's own matrix, or the PO/UX default (with the team's people) until it has one."""
    holders: dict[int, list[Holder]] = {}
    for assignment in sorted(rows.assignments, key=lambda a: a.created_at):
        holders.setdefault(assignment.role_id, []).append(
            Holder(assignment.user_id, assignment.display_name)
        )
    role_names = {role.id: role.name for role in rows.roles}
    roles = [RoleView(role.name, tuple(holders.get(role.id or 0, ()))) for role in rows.roles]
    if not rows.decisions:
        return _default_matrix(roles)
    letters: dict[int, dict[str, set[str]]] = {}
    for entry in rows.entries:
        by_role = letters.setdefault(entry.decision_id, {})
        by_role.setdefault(role_names[entry.role_id], set()).add(entry.letter)
    decisions = tuple(
        DecisionView(
            d.name,
            tuple(alias for alias in d.aliases.split("\n") if alias),
            {role: frozenset(held) for role, held in letters.get(d.id or 0, {}).items()},
        )
        for d in sorted(rows.decisions, key=lambda d: d.name.casefold())
    )
    return Matrix(decisions, tuple(sorted(roles, key=_role_order)))


def _default_matrix(team_roles: list[RoleView]) -> Matrix:
    staffed = {normalise(role.name): role for role in team_roles}
    roles = [staffed.get(normalise(name), RoleView(name)) for name in template.ROLES]
    extra = [
        role for role in team_roles if normalise(role.name) not in map(normalise, template.ROLES)
    ]
    decisions = tuple(
        DecisionView(name, aliases, {role: frozenset(value) for role, value in raci.items()})
        for name, aliases, raci in template.DECISIONS
    )
    return Matrix(decisions, tuple(roles + extra), is_default=True)


def _role_order(role: RoleView) -> tuple[int, str]:
    known = [normalise(name) for name in template.ROLES]
    key = normalise(role.name)
    return (known.index(key) if key in known else len(known), role.name.casefold())


GRANTS_PERMISSIONS = frozenset({template.PRODUCT_OWNER})  # see `ensure_can_edit`


def resolve_role_name(name: str, matrix: Matrix) -> str:
    """The canonical name of the role a person typed: exact, a common alias, or a clear typo."""
    wanted = validate_role_name(name)
    existing = matrix.role(wanted)
    if existing:
        return existing.name
    alias = template.ROLE_ALIASES.get(normalise(wanted))
    known = [role.name for role in matrix.roles]
    if alias and (matrix.role(alias) or matrix.is_default or alias in template.ROLES):
        return alias
    guesses = process.extract(
        wanted, known, scorer=fuzz.WRatio, processor=utils.default_process, limit=3
    )
    close = [guess for guess, score, _ in guesses if score >= 88]
    if len(close) == 1 and close[0] not in GRANTS_PERMISSIONS:
        return close[0]
    if close and close[0] in GRANTS_PERMISSIONS:
        raise UserError(
            f"There is no role called “{wanted}”. Did you mean {close[0]}? That role may change "
            f"roles and the RACI matrix, so I only take it spelled out: “{close[0]}”."
        )
    suggestion = ", ".join(f"`{g}`" for g, score, _ in guesses if score >= 60) or "none close"
    raise UserError(
        f"There is no role called “{wanted}”. Closest: {suggestion}. Roles: "
        f'{", ".join(known) or "none yet"}. Add a new one with `/role add "{wanted}"`.'
    )


def resolve_or_new_role(name: str, matrix: Matrix) -> str:
    """For imports: a role the team knows (typos and aliases forgiven), else a new role."""
    try:
        return resolve_role_name(name, matrix)
    except UserError:
        return validate_role_name(name)


def may_edit(actor: Actor, matrix: Matrix) -> bool:
    """Workspace admins and the team's Product Owners change roles and the matrix."""
    if actor.is_admin:
        return True
    po = matrix.role(template.PRODUCT_OWNER)
    return po is not None and actor.user_id in {holder.user_id for holder in po.holders}


def ensure_can_edit(actor: Actor, matrix: Matrix) -> None:
    if may_edit(actor, matrix):
        return
    po = matrix.role(template.PRODUCT_OWNER)
    hint = (
        " Nobody is Product Owner yet: a workspace admin can name one with "
        "`/role assign @person Product Owner` (in Teams, admins are listed in ALIGNBOT_ADMINS)."
        if not (po and po.holders)
        else ""
    )
    raise PermissionDenied(
        f"Only a workspace admin or the team's Product Owner can change roles and the RACI "
        f"matrix.{hint}"
    )


async def fork_default(session: AsyncSession, tm: TeamMatrix, now: datetime) -> TeamMatrix:
    """Copies the PO/UX default into the team's own rows, so the team can edit it."""
    if not tm.matrix.is_default:
        return tm
    for decision in tm.matrix.decisions:
        await write_decision(session, tm, decision, now)
    return await load(session, tm.team)


async def write_decision(
    session: AsyncSession, tm: TeamMatrix, decision: DecisionView, now: datetime
) -> None:
    """Stores one decision exactly as given; roles it names are created as needed."""
    require_one_accountable(decision)
    roles: dict[int, frozenset[str]] = {}
    for role_name, letters in decision.letters.items():
        if letters:
            role = await repo.ensure_role(session, tm.team, role_name, normalise(role_name), now)
            assert role.id is not None
            roles[role.id] = letters
    row = await repo.save_decision(
        session, tm.team, decision.name, decision.key, decision.aliases, now
    )
    await repo.replace_entries(session, row, roles)


def with_letters(decision: DecisionView, changes: Mapping[str, frozenset[str]]) -> DecisionView:
    letters = dict(decision.letters)
    for role, held in changes.items():
        if held:
            letters[role] = held
        else:
            letters.pop(role, None)
    return DecisionView(decision.name, decision.aliases, letters)
