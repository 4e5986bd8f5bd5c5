"""First-week insight and digest bugs: `#tag` search, `#id`, retracted insights, one day."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.local.render import controls, render
from bot.app import AlignBot
from bot.events import Action
from bot.replies import Button, Outcome, Reply
from tests.conftest import ask, channel, person
from tests.support.recording import FakeClock
from tests.unit.insights.helpers import AUTHOR, share

ADMIN = person("U0", "Admin", admin=True)


def shown(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


async def test_the_helps_own_tag_search_finds_tagged_insights(alignbot: AlignBot) -> None:
    await share(alignbot)
    for typed in ("#onboarding", "<#onboarding|onboarding>", "<#C0ONB|onboarding>"):
        found = shown(await ask(alignbot, f"/insight search {typed}"))
        assert "Half of new users abandon sign-up" in found, typed
        assert "<#" not in found, typed


async def test_insight_ids_are_read_with_or_without_hash(alignbot: AlignBot) -> None:
    await share(alignbot)
    for typed in ("1", "#1", "<#1|1>", "<#C01|1>"):
        found = shown(await ask(alignbot, f"/insight show {typed}"))
        assert "Half of new users abandon sign-up" in found, typed
        assert "insight 1" in found.lower(), typed
    refused = shown(await ask(alignbot, "/insight show <#C9|general>"))
    assert "<#" not in refused


async def test_retracting_asks_first(alignbot: AlignBot) -> None:
    await share(alignbot)
    asked = await ask(alignbot, "/insight retract 1", AUTHOR)
    assert "Retract insight 1" in shown(asked)
    assert "RETRACTED" not in shown(await ask(alignbot, "/insight show 1"))
    (button,) = [c for c in controls(asked) if isinstance(c, Button)]
    done = await alignbot.handle(Action(button.action_id, button.value, AUTHOR, channel()))
    assert "Retracted insight 1" in shown(done)
    assert "RETRACTED" in shown(await ask(alignbot, "/insight show 1"))


async def test_retracted_insights_are_not_waiting_for_acknowledgement(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    await share(alignbot, title="Kept finding about search")
    await share(alignbot, title="Withdrawn finding about billing")
    await ask(alignbot, "/insight retract 2 confirm", AUTHOR)
    clock.current = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    digest = shown(await ask(alignbot, "/digest preview"))
    assert "Kept finding about search" in digest
    assert "Withdrawn finding" not in digest
    assert "1 posted" in digest


async def test_a_digest_schedule_takes_one_day(alignbot: AlignBot) -> None:
    refused = shown(await ask(alignbot, "/digest schedule tue wed 10:00", ADMIN))
    assert "once a week" in refused
    assert "`tue`" in refused
    assert "`wed`" in refused
    assert "Fridays" in shown(await ask(alignbot, "/digest", ADMIN))
