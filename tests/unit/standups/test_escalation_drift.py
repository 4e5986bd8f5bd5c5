"""`/raci check` compares practice with the matrix and offers a one-step, confirmed fix."""

from __future__ import annotations

from datetime import timedelta

from bot.app import AlignBot
from bot.features.roles.views import DRIFT_CONFIRM_ACTION, DRIFT_FIX_ACTION
from bot.features.standups import escalation
from bot.replies import Actions, Button, Reply
from storage.models.decisions import PENDING, RATIFIED
from tests.conftest import ask
from tests.support.builders import decision_record
from tests.support.recording import FakeClock
from tests.unit.standups.conftest import BO, Timeline, press, shown
from tests.unit.standups.escalation_story import ADMIN, escalated

PRICING_TO_PO = "Pricing & packaging\nProduct Owner"


def _buttons(outcome: object) -> list[Button]:
    assert isinstance(outcome, Reply), outcome
    return [
        element
        for block in outcome.blocks
        if isinstance(block, Actions)
        for element in block.elements
        if isinstance(element, Button)
    ]


async def test_who_resolves_blockers_in_practice_is_compared_with_the_accountable(
    alignbot: AlignBot, clock: FakeClock, timeline: Timeline
) -> None:
    button = await escalated(alignbot, clock, timeline)
    await ask(alignbot, "/role assign <@U0|Admin> Product Owner", ADMIN)
    before = shown(await ask(alignbot, "/raci check", ADMIN))
    assert "In practice" not in before
    await press(alignbot, ADMIN, escalation.RESOLVED_ACTION, button.value)

    seen_by_bo = await ask(alignbot, "/raci check", BO)
    assert "“Pricing & packaging”: Stakeholder is Accountable, but Admin resolved 1 escalated" in (
        shown(seen_by_bo)
    )
    assert _buttons(seen_by_bo) == []  # Bo may not change the matrix
    (fix,) = _buttons(await ask(alignbot, "/raci check", ADMIN))
    assert fix.label == "Make Product Owner Accountable"
    assert fix.value == PRICING_TO_PO

    assert "Only a workspace admin or the team's Product Owner" in shown(
        await press(alignbot, BO, DRIFT_FIX_ACTION, fix.value)
    )
    assert "Only a workspace admin or the team's Product Owner" in shown(
        await press(alignbot, BO, DRIFT_CONFIRM_ACTION, fix.value)
    )
    assert "no longer applies" in shown(
        await press(alignbot, ADMIN, DRIFT_CONFIRM_ACTION, "Pricing & packaging\nEmperor")
    )
    assert "Accountable: Stakeholder" in shown(await ask(alignbot, "/who owns pricing", BO))

    asked = await press(alignbot, ADMIN, DRIFT_FIX_ACTION, fix.value)
    assert "New letters: Product Owner=A/R, Stakeholder=C" in shown(asked)
    (confirm,) = _buttons(asked)
    done = await press(alignbot, ADMIN, confirm.action_id, confirm.value)
    assert "Product Owner is now Accountable" in shown(done)
    owners = shown(await ask(alignbot, "/who owns pricing", BO))
    assert "Accountable: Product Owner: @Admin" in owners
    assert "Stakeholder: @Fay" in owners.split("Consulted:")[1]
    assert "In practice" not in shown(await ask(alignbot, "/raci check", ADMIN))
    assert "already is Accountable" in shown(
        await press(alignbot, ADMIN, DRIFT_CONFIRM_ACTION, fix.value)
    )


async def test_who_ratifies_in_practice_is_compared_with_the_accountable(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    from storage.repositories import product_teams

    await ask(alignbot, "/role assign <@U0|Admin> Product Owner", ADMIN)
    await ask(alignbot, "/role assign <@U6|Fay> Stakeholder", ADMIN)
    now = clock.now()
    async with alignbot.ctx.db.transaction() as session:
        team = await product_teams.default_team(session, "W1", now)
        assert team.id is not None
        for poll_id in (1, 2):
            session.add(
                decision_record(
                    team.id,
                    poll_id,
                    status=RATIFIED,
                    decided_by="U0",
                    decided_by_name="Admin",
                    decided_at=now,
                    created_at=now,
                )
            )
    found = shown(await ask(alignbot, "/raci check", ADMIN))
    assert "Stakeholder is Accountable, but Admin ratified, overrode or reopened 2 of its" in found
    clock.advance(days=91)  # older than the 90 days looked at
    assert "In practice" not in shown(await ask(alignbot, "/raci check", ADMIN))


async def test_the_digest_lists_decisions_made_by_whom_and_those_not_ratified(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    from storage.repositories import product_teams

    now = clock.now()
    async with alignbot.ctx.db.transaction() as session:
        team = await product_teams.default_team(session, "W1", now)
        assert team.id is not None
        for poll_id, status in ((1, RATIFIED), (2, PENDING)):
            session.add(
                decision_record(
                    team.id,
                    poll_id,
                    decision_name="Pricing & packaging" if poll_id == 1 else "Product roadmap",
                    status=status,
                    decided="Usage-based" if status == RATIFIED else "",
                    decided_by="U6" if status == RATIFIED else None,
                    decided_by_name="Fay" if status == RATIFIED else "",
                    decided_at=now if status == RATIFIED else None,
                    created_at=now - timedelta(days=3),
                )
            )
    clock.advance(hours=1)
    digest = shown(await ask(alignbot, "/digest preview", ADMIN))
    assert "Pricing & packaging ratified by Fay: Usage-based" in digest
    assert "Product roadmap: voted (vote 2), not ratified for 3 days" in digest
