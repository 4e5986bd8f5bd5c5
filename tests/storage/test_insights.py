"""Insight storage on SQLite and PostgreSQL: details, subscriptions, deliveries, answers, links."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from storage.db import Database
from storage.repositories import insights as repo
from storage.repositories.insights import AudienceEntry, SubscriptionTarget
from tests.storage.insight_rows import NOW, WS, content, new_insight, team


async def test_details_round_trip_and_are_replaced_on_edit(database: Database) -> None:
    insight_id = await new_insight(database, await team(database))
    async with database.transaction() as session:
        found = await repo.find(session, WS, insight_id)
        assert found is not None
        view = await repo.load(session, found)
        assert view.tags == ["onboarding", "checkout"]
        assert view.items == ["Magic-link sign-in", "Skip email"]
        assert view.audience == [AudienceEntry("slack", "channel", "C9", "leads")]
        assert found.created_at == NOW
        await repo.update_content(
            session,
            found,
            content(tags=["pricing"], items=[], audience=[]),
            NOW + timedelta(hours=1),
        )
    async with database.transaction() as session:
        found = await repo.find(session, WS, insight_id)
        assert found is not None
        view = await repo.load(session, found)
        assert (view.tags, view.items, view.audience) == (["pricing"], [], [])
        assert found.updated_at == NOW + timedelta(hours=1)
        assert await repo.find(session, "OTHER", insight_id) is None


async def test_recent_filters_by_tag_period_and_retraction(database: Database) -> None:
    team_id = await team(database)
    first = await new_insight(database, team_id, tags=["onboarding"])
    second = await new_insight(database, team_id, tags=["checkout"])
    async with database.transaction() as session:
        every = await repo.recent(session, WS)
        assert [i.id for i in every] == [second, first]
        tagged = await repo.recent(session, WS, tag="onboarding")
        assert [i.id for i in tagged] == [first]
        assert await repo.recent(session, WS, since=NOW + timedelta(seconds=1)) == []
        await repo.retract(session, every[0], "UA", NOW)
    async with database.transaction() as session:
        assert [i.id for i in await repo.recent(session, WS)] == [first]


async def test_counts_for_backlog_items(database: Database) -> None:
    team_id = await team(database)
    other_team = await team(database, "growth")
    await new_insight(database, team_id)
    await new_insight(database, team_id, items=["Skip email"])
    retracted = await new_insight(database, team_id, items=["Skip email"])
    await new_insight(database, other_team, items=["Skip email"])
    async with database.transaction() as session:
        found = await repo.find(session, WS, retracted)
        assert found is not None
        await repo.retract(session, found, "UA", NOW)
    async with database.transaction() as session:
        counts = await repo.insight_counts_for_items(
            session, team_id, ["skip  EMAIL", "Magic-link sign-in", "Dark mode"]
        )
        assert counts == {"skip  EMAIL": 2, "Magic-link sign-in": 1, "Dark mode": 0}
        assert await repo.insight_counts_for_items(session, team_id, []) == {}


async def test_subscriptions_are_idempotent_and_removable(database: Database) -> None:
    channel = SubscriptionTarget(WS, "slack", "channel", "C1", "research")
    person = SubscriptionTarget(WS, "slack", "person", "U1", "Bo")
    async with database.transaction() as session:
        assert await repo.subscribe(session, channel, ["a", "b"], by="U1", now=NOW) == ["a", "b"]
        assert await repo.subscribe(session, channel, ["b", "c"], by="U1", now=NOW) == ["c"]
        await repo.subscribe(session, person, ["a"], by="U1", now=NOW)
    async with database.transaction() as session:
        matching = await repo.subscriptions(session, WS, tags=["a"])
        assert [(s.kind, s.target_id) for s in matching] == [("channel", "C1"), ("person", "U1")]
        assert await repo.unsubscribe(session, channel, ["a", "zzz"]) == ["a"]
        assert await repo.unsubscribe(session, channel, None) == ["b", "c"]
        assert [s.kind for s in await repo.subscriptions(session, WS)] == ["person"]


async def test_deliveries_and_answers_are_one_per_place_and_person(database: Database) -> None:
    insight_id = await new_insight(database, await team(database))

    async def answer(kind: str, reason: str = "") -> None:
        async with database.transaction() as session:
            found = await repo.find(session, WS, insight_id)
            assert found is not None
            await repo.acknowledge(
                session, found, user_id="U2", display_name="Bo", kind=kind, reason=reason, now=NOW
            )

    async with database.transaction() as session:
        found = await repo.find(session, WS, insight_id)
        assert found is not None
        for message_id in ("1.0", "2.0"):
            assert found.id is not None
            await repo.record_delivery(
                session,
                found.id,
                found.workspace_id,
                platform="slack",
                kind="channel",
                target_id="C1",
                channel_id="C1",
                message_id=message_id,
                now=NOW,
            )
    await asyncio.gather(answer("seen"), answer("act"))
    await answer("disagree", "small sample")
    async with database.transaction() as session:
        copies = await repo.deliveries(session, insight_id)
        assert [(c.channel_id, c.message_id) for c in copies] == [("C1", "2.0")]
        copy = await repo.delivery_of_message(session, WS, "C1", "2.0")
        assert copy is not None
        assert copy.insight_id == insight_id
        answers = await repo.acks(session, insight_id)
        assert [(a.user_id, a.kind, a.reason) for a in answers] == [
            ("U2", "disagree", "small sample")
        ]
        assert copy.id is not None
        await repo.forget_delivery(session, copy.id)
    async with database.transaction() as session:
        assert await repo.deliveries(session, insight_id) == []
