"""Spotting the decision a blocker names, and saying who is accountable for it."""

from __future__ import annotations

import pytest

from bot.app import AlignBot
from bot.features.roles.owners import owner_lookup
from tests.conftest import ask, channel, person

ADMIN = person("U0", "Admin", admin=True)


@pytest.mark.parametrize(
    ("blocker", "owner"),
    [
        ("Still no pricing decision", "Pricing & packaging: Accountable Stakeholder (Fay)"),
        (
            "waiting on the A/B test design sign-off",
            "A/B test design: Accountable Product Owner (Ana)",
        ),
        ("need the Design System changes merged", "Design system changes: Accountable UX Designer"),
        ("Roadmap unclear for Q1", "Product roadmap: Accountable Product Owner (Ana)"),
        ("CI is red", None),
        ("copy", None),  # too short to name a decision on its own
        ("", None),
    ],
)
async def test_blockers_point_at_the_accountable_people(
    alignbot: AlignBot, blocker: str, owner: str | None
) -> None:
    await ask(alignbot, "/role assign <@U1|Ana> Product Owner", ADMIN)
    await ask(alignbot, "/role assign <@U6|Fay> Stakeholder", ADMIN)
    async with alignbot.ctx.db.transaction() as session:
        owner_of = await owner_lookup(session, channel(), alignbot.ctx.clock.now())
    assert owner_of(blocker) == owner


async def test_the_teams_own_matrix_is_used_once_customised(alignbot: AlignBot) -> None:
    await ask(alignbot, '/raci set "Pricing & packaging" PO=A Stakeholder=C', ADMIN)
    async with alignbot.ctx.db.transaction() as session:
        owner_of = await owner_lookup(session, channel(), alignbot.ctx.clock.now())
    assert owner_of("pricing call pending") == "Pricing & packaging: Accountable Product Owner"
