"""Digests: schedules, content on seeded data, exactly-once posting, DST-correct fire times."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from adapters.local.render import render
from bot import deliveries
from bot.app import AlignBot
from bot.errors import UserError
from bot.features.digest.jobs import post_digest
from bot.features.digest.schedule import parse_when, period_of, trigger
from bot.replies import Outcome, Reply
from storage.models.digests import DigestSchedule
from storage.models.standups import StandupPrompt
from storage.repositories import digests as repo
from tests.conftest import WORKSPACE, ask, person
from tests.support.builders import standup_answer, standup_team
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.insights.helpers import share
from tests.unit.votes.support import open_vote, pick

ADMIN = person("U0", "Admin", admin=True)
FRIDAY_4PM_BERLIN = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def shown(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


# Parsing and time --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("", "Fridays at 16:00 (Europe/Paris)"),
        ("fri 16:00 Europe/Berlin", "Fridays at 16:00 (Europe/Berlin)"),
        ("Europe/Berlin 9:30 monday", "Mondays at 09:30 (Europe/Berlin)"),
        ("thursdays 17h15 utc", "Thursdays at 17:15 (UTC)"),
        ("asia/kolkata", "Fridays at 16:00 (Asia/Kolkata)"),
    ],
)
def test_schedules_read_in_any_order(text: str, described: str) -> None:
    assert parse_when(text, "Europe/Paris").describe() == described


@pytest.mark.parametrize(
    ("text", "message"),
    [("fri 16:00 Europe/Berln", "Did you mean `Europe/Berlin`"), ("someday", "couldn't read")],
)
def test_bad_schedules_explain(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_when(text, "UTC")


def test_fire_times_follow_daylight_saving() -> None:
    when = parse_when("fri 16:00 Europe/Berlin", "UTC")
    winter = trigger(when).get_next_fire_time(None, datetime(2026, 11, 23, tzinfo=UTC))
    summer = trigger(when).get_next_fire_time(None, datetime(2026, 6, 1, tzinfo=UTC))
    assert winter == FRIDAY_4PM_BERLIN
    assert summer is not None
    assert summer.astimezone(UTC) == datetime(2026, 6, 5, 14, 0, tzinfo=UTC)
    assert period_of(FRIDAY_4PM_BERLIN, "Europe/Berlin") == "2026-W48"
    # Sunday 11:30 UTC is already Monday 00:30 in Auckland: the next ISO week there.
    assert period_of(datetime(2026, 11, 29, 11, 30, tzinfo=UTC), "Pacific/Auckland") == "2026-W49"
    assert period_of(datetime(2026, 11, 29, 11, 30, tzinfo=UTC), "Europe/Berlin") == "2026-W48"


# Commands ----------------------------------------------------------------------------------


async def test_schedule_status_and_off(alignbot: AlignBot, clock: FakeClock) -> None:
    assert "no weekly digest yet" in shown(await ask(alignbot, "/digest"))
    done = shown(await ask(alignbot, "/digest schedule fri 16:00 Europe/Berlin", ADMIN))
    assert "Fridays at 16:00 (Europe/Berlin)" in done
    status = shown(await ask(alignbot, "/digest"))
    assert "Next: Fri 27 Nov 16:00 CET" in status
    assert "is off" in shown(await ask(alignbot, "/digest off", ADMIN))
    assert "no weekly digest yet" in shown(await ask(alignbot, "/digest"))


async def test_default_schedule_uses_the_askers_zone(alignbot: AlignBot) -> None:
    assert "Fridays at 16:00 (Europe/Berlin)" in shown(
        await ask(alignbot, "/digest schedule", ADMIN)
    )


async def test_only_admins_or_po_change_it_and_nothing_is_stored(alignbot: AlignBot) -> None:
    refused = shown(await ask(alignbot, "/digest schedule mon 09:00 UTC", person("U7", "Guest")))
    assert "Only workspace admins and the team's Product Owner" in refused
    await ask(alignbot, "/role assign <@U7|Guest> Product Owner", ADMIN)
    assert "Mondays at 09:00" in shown(
        await ask(alignbot, "/digest schedule mon 09:00 UTC", person("U7", "Guest"))
    )
    assert "Only workspace admins can send" in shown(
        await ask(alignbot, "/digest send", person("U7"))
    )
    refused = shown(await ask(alignbot, "/digest off", person("U8", "Other")))
    assert "Only workspace admins and the team's Product Owner" in refused
    assert "Mondays at 09:00" in shown(await ask(alignbot, "/digest"))
    assert "is off" in shown(await ask(alignbot, "/digest off", person("U7", "Guest")))


@pytest.mark.parametrize(
    "line", ["/digest schedule fri 16:00 Mars/Olympus", "/digest schedule blursday", "/digest frob"]
)
async def test_bad_input_stores_nothing(alignbot: AlignBot, line: str) -> None:
    answer = shown(await ask(alignbot, line, ADMIN))
    assert "Traceback" not in answer
    async with alignbot.ctx.db.transaction() as session:
        assert await repo.enabled_schedules(session) == []


# Content -----------------------------------------------------------------------------------


async def _seed_standups(bot: AlignBot, today: date) -> None:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    async with bot.ctx.db.transaction() as session:
        team = standup_team(workspace_id=WORKSPACE, created_at=now)
        session.add(team)
        await session.flush()
        assert team.id is not None
        for offset in range(10):
            day = today - timedelta(days=offset)
            for user in ("U1", "U2"):
                session.add(
                    StandupPrompt(
                        workspace_id=WORKSPACE,
                        standup_id=team.id,
                        user_id=user,
                        day=day,
                        kind="prompt",
                        sent_at=now,
                    )
                )
            blocker = "Waiting for legal review of the consent copy" if offset < 4 else "none"
            entries = [{"question": "Any blockers?", "kind": "blockers", "answer": blocker}]
            session.add(
                standup_answer(
                    team.id, "U1", day, entries=entries, workspace_id=WORKSPACE, submitted_at=now
                )
            )
            if offset % 2 == 0:
                session.add(
                    standup_answer(team.id, "U2", day, workspace_id=WORKSPACE, submitted_at=now)
                )


async def test_digest_reports_every_feature(alignbot: AlignBot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    await ask(alignbot, "/role assign <@U1|Ada> Product Owner", ADMIN)
    poll_id = await open_vote(alignbot, method="single")
    await pick(alignbot, poll_id, 1, person("U2", "Bo"))
    await ask(alignbot, f"/vote close {poll_id}", person())
    await open_vote(alignbot, question="Still open question?", method="single")
    await share(alignbot, title="Checkout copy confuses people")
    await _seed_standups(alignbot, date(2026, 11, 27))
    clock.current = FRIDAY_4PM_BERLIN
    preview = await ask(alignbot, "/digest preview")
    assert isinstance(preview, Reply)
    text = render(preview)
    assert "Weekly product review · 20 Nov – 27 Nov" in text
    assert "Design this week" in text
    assert "blockers 1 raised, 0 resolved, 1 still open" in text
    assert "Ada: Waiting for legal review of the consent copy stuck 4 days" in text
    assert "Votes: 2 opened, 1 closed" in text
    assert f"vote {poll_id} Which epic next? → winner: Onboarding (1 voted)" in text
    assert "Research insights: 1 posted, 0% acknowledged" in text
    assert "not yet acknowledged: insight 1 Checkout copy confuses people" in text
    assert "RACI changes: 1" in text
    assert "Ada now Product Owner" in text
    assert preview.visibility.value == "private"


async def test_a_quiet_week_says_so(alignbot: AlignBot) -> None:
    assert "A quiet week" in shown(await ask(alignbot, "/digest preview"))


async def test_private_insights_never_reach_the_digest(alignbot: AlignBot) -> None:
    await share(alignbot, title="Secret pricing finding", visibility="private", people=["U1"])
    assert "Secret pricing finding" not in shown(await ask(alignbot, "/digest preview"))


# Posting exactly once ----------------------------------------------------------------------


async def _scheduled(bot: AlignBot) -> int:
    await ask(bot, "/digest schedule fri 16:00 Europe/Berlin", ADMIN)
    async with bot.ctx.db.transaction() as session:
        (schedule,) = await repo.enabled_schedules(session)
    assert schedule.id is not None
    return schedule.id


async def test_each_week_is_posted_once_even_when_fired_concurrently(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    schedule_id = await _scheduled(alignbot)
    clock.current = FRIDAY_4PM_BERLIN
    results = await asyncio.gather(
        *(post_digest(alignbot.ctx, schedule_id, FRIDAY_4PM_BERLIN) for _ in range(5))
    )
    assert results.count(True) == 1
    assert not await post_digest(
        alignbot.ctx, schedule_id, FRIDAY_4PM_BERLIN + timedelta(minutes=3)
    )
    digests = [p for p in messenger.posts if "Weekly product review" in render(p.reply)]
    assert len(digests) == 1
    assert digests[0].conversation is not None
    assert digests[0].conversation.channel_id == "C1"
    assert digests[0].reply.visibility.value == "channel"
    next_week = FRIDAY_4PM_BERLIN + timedelta(days=7)
    clock.current = next_week
    assert await post_digest(alignbot.ctx, schedule_id, next_week)
    async with alignbot.ctx.db.transaction() as session:
        assert [p.period for p in await repo.posts(session, schedule_id)] == [
            "2026-W48",
            "2026-W49",
        ]


async def test_a_failed_post_is_retried_and_then_recorded(
    alignbot: AlignBot, clock: FakeClock, messenger: RecordingMessenger
) -> None:
    schedule_id = await _scheduled(alignbot)
    clock.current = FRIDAY_4PM_BERLIN

    async def down(*_: object) -> object:
        raise ConnectionError("chat platform unreachable")

    working = messenger.post
    messenger.post = down  # type: ignore[method-assign,assignment]
    assert await post_digest(alignbot.ctx, schedule_id, FRIDAY_4PM_BERLIN)  # queued, not posted
    messenger.post = working  # type: ignore[method-assign]
    assert not await post_digest(alignbot.ctx, schedule_id, FRIDAY_4PM_BERLIN)  # claimed once
    async with alignbot.ctx.db.transaction() as session:
        assert await repo.posts(session, schedule_id) == []
    await deliveries.resume(alignbot.ctx)  # the outbox retries the failed post
    await deliveries.resume(alignbot.ctx)
    async with alignbot.ctx.db.transaction() as session:
        assert [p.period for p in await repo.posts(session, schedule_id)] == ["2026-W48"]
    digests = [p for p in messenger.posts if "Weekly product review" in render(p.reply)]
    assert len(digests) == 1


async def test_disabled_or_deleted_schedules_post_nothing(
    alignbot: AlignBot, clock: FakeClock
) -> None:
    schedule_id = await _scheduled(alignbot)
    await ask(alignbot, "/digest off", ADMIN)
    clock.current = FRIDAY_4PM_BERLIN
    assert not await post_digest(alignbot.ctx, schedule_id, FRIDAY_4PM_BERLIN)
    assert not await post_digest(alignbot.ctx, 9999, FRIDAY_4PM_BERLIN)
    async with alignbot.ctx.db.transaction() as session:
        schedule = await repo.schedule_by_id(session, schedule_id)
    assert isinstance(schedule, DigestSchedule)
    assert schedule.enabled is False
