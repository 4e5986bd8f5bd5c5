"""A team of five with the PO/UX default matrix, and helpers to drive decision records."""

from __future__ import annotations

from sqlmodel import select

from adapters.local.render import render
from bot.app import AlignBot
from bot.events import Action, Actor
from bot.replies import Actions, Button, Outcome, Reply
from storage.models.decisions import DecisionRecord
from tests.conftest import ask, channel, person
from tests.support.recording import Posted, RecordingMessenger

ADMIN = person("U0", "Root", admin=True)
SAM = person("U1", "Sam")  # Stakeholder: Accountable for "Pricing & packaging"
ANA = person("U2", "Ana")  # Product Owner: Responsible
CY = person("U3", "Cy")  # UX Researcher: Consulted
DEE = person("U4", "Dee")  # UX Designer: Informed
BEN = person("U5", "Ben")  # Tech Lead: Informed
PRICING = "pricing & packaging"  # the decision's key


async def team_of_five(bot: AlignBot) -> None:
    for user, role in (
        ("<@U1|Sam>", "Stakeholder"),
        ("<@U2|Ana>", "Product Owner"),
        ("<@U3|Cy>", "UX Researcher"),
        ("<@U4|Dee>", "UX Designer"),
        ("<@U5|Ben>", "Tech Lead"),
    ):
        answer = await ask(bot, f"/role assign {user} {role}", ADMIN)
        assert "now holds" in render_of(answer), answer


def render_of(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


def dms_to(messenger: RecordingMessenger, user_id: str) -> list[Posted]:
    return [p for p in messenger.posts if p.user_id == user_id]


def channel_posts(messenger: RecordingMessenger) -> list[str]:
    return [render(p.reply) for p in messenger.posts if p.conversation is not None]


def button(reply: Reply, action_id: str) -> Button:
    for block in reply.blocks:
        if isinstance(block, Actions):
            for element in block.elements:
                if isinstance(element, Button) and element.action_id == action_id:
                    return element
    raise AssertionError(f"no {action_id} button in {render(reply)}")


async def press(bot: AlignBot, pressed: Button, who: Actor, value: str | None = None) -> Outcome:
    """Presses a button; `value` forges what the client sends back."""
    return await bot.handle(
        Action(pressed.action_id, pressed.value if value is None else value, who, channel("D1"))
    )


async def records(bot: AlignBot) -> list[DecisionRecord]:
    async with bot.ctx.db.transaction() as session:
        return list((await session.exec(select(DecisionRecord).order_by(DecisionRecord.id))).all())  # type: ignore[arg-type]
