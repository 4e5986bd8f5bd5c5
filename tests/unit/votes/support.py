"""Driving the votes feature the way an adapter does: commands, actions and form submissions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from adapters.local.render import render
from bot.app import AlignBot
from bot.events import Action, Actor, Submission
from bot.replies import Form, FormErrors, Outcome, Reply
from storage.models.core import ProductTeam
from storage.models.roles import Role, RoleAssignment
from storage.models.votes import Ballot, Poll, PollVoter
from storage.repositories import product_teams
from tests.conftest import ask, channel, person

FormValues = Mapping[str, str | list[str] | None]


def text_of(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


async def submit(
    bot: AlignBot, form_id: str, values: FormValues, who: Actor | None = None, metadata: str = ""
) -> Outcome:
    return await bot.handle(
        Submission(form_id, dict(values), who or person(), channel(), metadata=metadata)
    )


def new_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "question": "Which epic next?",
        "items": "Search\nOnboarding\nBilling",
        "method": "ranked",
        "deadline_text": "in 2d",
        "anonymous": "no",
        "hide_results": "no",
        "voters": [],
        "max_choices": "2",
        "dots": "5",
    }
    values.update(overrides)
    return values


async def open_vote(bot: AlignBot, who: Actor | None = None, **overrides: Any) -> int:
    """Opens a vote through `/vote new` and its form; returns the new vote's id."""
    form = await ask(bot, "/vote new", who)
    assert isinstance(form, Form)
    assert form.form_id == "vote.new"
    outcome = await submit(bot, "vote.new", new_values(**overrides), who, form.metadata)
    assert "is open in the channel" in text_of(outcome), outcome
    async with bot.ctx.db.transaction() as session:
        newest = (await session.exec(select(Poll).order_by(Poll.id.desc()))).first()  # type: ignore[union-attr]
    assert newest is not None
    assert newest.id is not None
    return newest.id


async def ballot_form(bot: AlignBot, poll_id: int, who: Actor) -> Form:
    outcome = await bot.handle(Action("vote.open", str(poll_id), who, channel()))
    assert isinstance(outcome, Form), outcome
    return outcome


async def vote_form(bot: AlignBot, poll_id: int, who: Actor, values: FormValues) -> Outcome:
    """Opens the ballot form (as clicking Vote does), then submits it."""
    form = await ballot_form(bot, poll_id, who)
    return await submit(bot, form.form_id, values, who, form.metadata)


async def pick(bot: AlignBot, poll_id: int, index: int, who: Actor) -> Outcome:
    return await bot.handle(Action("vote.pick", f"{poll_id}:{index}", who, channel()))


async def counts(bot: AlignBot) -> tuple[int, int, int]:
    """Rows in (polls, ballots, voted-flags)."""
    async with bot.ctx.db.transaction() as session:
        polls = (await session.exec(select(func.count()).select_from(Poll))).one()
        ballots = (await session.exec(select(func.count()).select_from(Ballot))).one()
        voters = (await session.exec(select(func.count()).select_from(PollVoter))).one()
    return int(polls), int(ballots), int(voters)


async def stored_ballots(bot: AlignBot) -> list[Ballot]:
    async with bot.ctx.db.transaction() as session:
        return list((await session.exec(select(Ballot))).all())


def errors_of(outcome: Outcome) -> dict[str, str]:
    assert isinstance(outcome, FormErrors), outcome
    return outcome.errors


def ranks(order: list[int]) -> dict[str, str]:
    """A ranked ballot's form values: item indexes, best first."""
    return {f"rank_{i + 1}": str(item) for i, item in enumerate(order)}


async def give_roles(bot: AlignBot, held: dict[str, list[str]]) -> None:
    """Each person holds the named roles in the channel's team (roles made as first named)."""
    now = bot.ctx.clock.now()
    async with bot.ctx.db.transaction() as session:
        team: ProductTeam = await product_teams.team_for(session, channel(), now)
        assert team.id is not None
        made: dict[str, int] = {}
        for user_id, names in held.items():
            for name in names:
                if name not in made:
                    role = Role(
                        workspace_id="W1",
                        team_id=team.id,
                        name=name,
                        key=name.lower(),
                        created_at=now,
                    )
                    session.add(role)
                    await session.flush()
                    assert role.id is not None
                    made[name] = role.id
                session.add(
                    RoleAssignment(
                        workspace_id="W1",
                        team_id=team.id,
                        role_id=made[name],
                        user_id=user_id,
                        assigned_by="U1",
                        created_at=now,
                    )
                )
