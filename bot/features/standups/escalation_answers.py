"""The Accountable person's answers to an escalated blocker: I'll unblock, Not mine, Resolved.

Button values and form metadata only name an escalation; whether the presser may answer is
decided here: one of the people it was sent to (the decision's Accountable role holders when
it was escalated), or a workspace admin.
"""

from __future__ import annotations

import logging

from sqlmodel.ext.asyncio.session import AsyncSession

from bot import homes
from bot.context import Context
from bot.errors import PermissionDenied, UserError
from bot.events import Action, Actor, Submission
from bot.features.roles import role_names
from bot.features.standups.delivery import refresh_summary
from bot.features.standups.escalation import answer_buttons
from bot.features.standups.escalation_state import days_to_resolve
from bot.features.standups.schedule import local_day
from bot.features.standups.service import schedule_of
from bot.replies import Form, FormErrors, Input, InputKind, Option, Outcome, buttons, reply, text
from storage.models.escalations import (
    BY_BUTTON,
    NOT_MINE,
    RESOLVED,
    UNBLOCKING,
    BlockerEscalation,
)
from storage.repositories import escalations as repo
from storage.repositories import people
from storage.repositories import standups as standups_repo

log = logging.getLogger(__name__)

NOT_MINE_FORM = "standup.escalation.not_mine"


async def _answerable(session: AsyncSession, raw_id: str, actor: Actor) -> BlockerEscalation:
    row = await repo.get(session, int(raw_id)) if raw_id.isdigit() else None
    if row is None or row.workspace_id != actor.workspace_id:
        raise UserError("That escalation no longer exists.")
    if not (actor.is_admin or actor.user_id in row.owners):
        raise PermissionDenied(
            f"Only the Accountable person for {row.decision} it was sent to, or an admin, can "
            "answer this escalation."
        )
    if row.state == RESOLVED:
        who = await people.names(session, row.workspace_id, {row.resolved_by})
        raise UserError(
            f"This blocker on {row.decision} is already resolved "
            f"(by {who.get(row.resolved_by, row.resolved_by)})."
        )
    return row


async def unblock(action: Action, ctx: Context) -> Outcome:
    async with ctx.db.transaction() as session:
        row = await _answerable(session, action.value, action.actor)
        row.state, row.answered_by, row.answered_at = (
            UNBLOCKING,
            action.actor.user_id,
            ctx.clock.now(),
        )
        await _save(session, ctx, row)
        assert row.id is not None
        escalation_id, decision = row.id, row.decision
    await _refresh(ctx, row)
    return reply(
        text(f"Thanks: the stand-up summary now says you will unblock {decision}."),
        text("Press Resolved once it is."),
        buttons(*answer_buttons(escalation_id, resolved_only=True)),
        replace_original=True,
    )


async def resolved(action: Action, ctx: Context) -> Outcome:
    async with ctx.db.transaction() as session:
        row = await _answerable(session, action.value, action.actor)
        now = ctx.clock.now()
        row.state, row.resolved_by, row.resolved_via, row.resolved_at = (
            RESOLVED,
            action.actor.user_id,
            BY_BUTTON,
            now,
        )
        if not row.answered_by:
            row.answered_by, row.answered_at = action.actor.user_id, now
        await _save(session, ctx, row)
    await _refresh(ctx, row)
    return reply(
        text(
            f"Resolved: the blocker on {row.decision} is closed after "
            f"{days_to_resolve(row):.1f} days, and the stand-up summary says so."
        ),
        replace_original=True,
    )


async def not_mine(action: Action, ctx: Context) -> Outcome:
    """The form asking which role the decision belongs to instead."""
    async with ctx.db.transaction() as session:
        row = await _answerable(session, action.value, action.actor)
        team = await standups_repo.team_by_id(session, row.standup_id)
        if team is None:
            raise UserError("That stand-up no longer exists.")
        roles = await role_names(session, schedule_of(team).conversation(), ctx.clock.now())
    choices = [name for name in roles if name != row.accountable_role]
    return Form(
        form_id=NOT_MINE_FORM,
        title="Not mine",
        submit_label="Send",
        metadata=str(row.id),
        intro=(f"Which role should decide {row.decision}?",),
        inputs=(
            Input(
                "role",
                "Suggested role",
                InputKind.SELECT,
                options=tuple(Option(name, name) for name in choices),
            ),
        ),
    )


async def not_mine_submitted(submission: Submission, ctx: Context) -> Outcome:
    async with ctx.db.transaction() as session:
        row = await _answerable(session, submission.metadata, submission.actor)
        team = await standups_repo.team_by_id(session, row.standup_id)
        if team is None:
            raise UserError("That stand-up no longer exists.")
        roles = await role_names(session, schedule_of(team).conversation(), ctx.clock.now())
        wanted = submission.text("role")
        if wanted not in roles or wanted == row.accountable_role:
            return _form_error(roles)
        row.state, row.suggested_role = NOT_MINE, wanted
        row.answered_by, row.answered_at = submission.actor.user_id, ctx.clock.now()
        await _save(session, ctx, row)
    await _refresh(ctx, row)
    return reply(
        text(
            f"Recorded: {row.decision} is not yours; you suggest {wanted}. The stand-up summary "
            "shows it."
        )
    )


def _form_error(roles: list[str]) -> Outcome:
    return FormErrors({"role": "Pick one of the team's roles: " + ", ".join(roles[:12]) + "."})


async def _save(session: AsyncSession, ctx: Context, row: BlockerEscalation) -> None:
    """The answer, and a fresh home page for everyone it was sent to (it waits on them)."""
    await repo.save(session, row)
    await homes.mark_stale(session, ctx, row.platform, row.workspace_id, row.owners)


async def _refresh(ctx: Context, row: BlockerEscalation) -> None:
    """The team's latest posted summary shows the new state; a failure here loses nothing."""
    try:
        async with ctx.db.transaction() as session:
            team = await standups_repo.team_by_id(session, row.standup_id)
        if team is None:
            return
        schedule = schedule_of(team)
        today = local_day(ctx.clock.now(), schedule.tz)
        for day in (today, row.escalated_on):
            if await refresh_summary(ctx, schedule, day, row.user_id):
                break
    except Exception:
        log.exception("could not update the summary after escalation %s was answered", row.id)
