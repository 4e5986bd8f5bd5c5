"""A blocker that gets escalated, as the escalation tests tell it: Ada and Bo stand up from
Monday, Bo is blocked on the pricing call three days running, and Fay, who holds the role
Accountable for pricing, gets one DM with buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import AlignBot
from bot.replies import Actions, Button, Reply
from tests.conftest import ask
from tests.support.recording import FakeClock
from tests.unit.standups.conftest import ADA, BO, Timeline, answer, member, run, shown, submit_setup

FAY = member("U6", "Fay", "Europe/Berlin")
ADMIN = member("U0", "Admin", "Europe/Berlin", admin=True)
MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
BLOCKED = "waiting on the pricing & packaging call"


async def team_with_accountable(bot: AlignBot, clock: FakeClock, escalate: str = "3") -> None:
    """Ada and Bo stand up in C1 from Monday; Fay holds Stakeholder, Accountable for pricing."""
    clock.current = MONDAY
    await run(bot, BO, "help")
    await ask(bot, "/role assign <@U6|Fay> Stakeholder", ADMIN)
    created = await submit_setup(bot, members=["U1", "U2"], escalate=escalate)
    assert "created" in shown(created)


async def stand_up_day(
    bot: AlignBot, clock: FakeClock, timeline: Timeline, n: int, blocker: str
) -> None:
    """Stand-up day `n` (0 = Monday): Bo answers at 08:00 UTC, the summary goes out at 16:00."""
    clock.current = MONDAY + timedelta(days=n, hours=1)
    await answer(bot, BO, ["a", "b", blocker])
    await answer(bot, ADA, ["a", "b", "none"])
    await timeline.run_until(MONDAY + timedelta(days=n, hours=9), step_minutes=30)


def buttons_of(reply: Reply) -> list[Button]:
    return [
        element
        for block in reply.blocks
        if isinstance(block, Actions)
        for element in block.elements
        if isinstance(element, Button)
    ]


async def escalated(alignbot: AlignBot, clock: FakeClock, timeline: Timeline) -> Button:
    """Bo's pricing blocker stuck three days: the first button of the DM Fay got."""
    await team_with_accountable(alignbot, clock)
    for n in range(3):
        await stand_up_day(alignbot, clock, timeline, n, BLOCKED)
    dm = next(p for _, p in timeline.sent_at if p.user_id == FAY.user_id)
    return buttons_of(dm.reply)[0]
