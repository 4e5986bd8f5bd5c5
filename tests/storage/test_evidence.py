"""The evidence behind backlog items on SQLite and PostgreSQL: linked public insights and a
RICE Confidence per item, unevidenced top-ranked items, and insights no vote refers to."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.features.insights import (
    Ranked,
    evidence_for_items,
    insights_no_vote_uses,
    top_third,
    unevidenced_leaders,
    without_evidence,
)
from storage.db import Database
from storage.repositories import insights as repo
from storage.repositories import votes
from tests.storage.insight_rows import NOW, WS, content, team
from tests.support.builders import poll

DAY = timedelta(days=1)


async def insight(db: Database, team_id: int, *, at: datetime = NOW, **overrides: object) -> int:
    async with db.transaction() as session:
        created = await repo.create(
            session,
            workspace_id=WS,
            team_id=team_id,
            platform="slack",
            author_id="UA",
            author_name="Rita",
            content=content(**overrides),
            now=at,
        )
        assert created.id is not None
        return created.id


async def retract(db: Database, insight_id: int) -> None:
    async with db.transaction() as session:
        found = await repo.find(session, WS, insight_id)
        assert found is not None
        await repo.retract(session, found, "UA", NOW)


async def vote(
    db: Database,
    team_id: int,
    items: list[str],
    *,
    opened: datetime,
    closed: datetime | None = None,
) -> None:
    async with db.transaction() as session:
        await votes.create(
            session,
            poll(team_id, workspace_id=WS, items=items, created_at=opened, closed_at=closed),
        )


async def test_each_item_gets_its_public_insights_and_the_highest_confidence(
    database: Database,
) -> None:
    team_id, other = await team(database), await team(database, "growth")
    high = await insight(database, team_id, items=["Magic-link sign-in"], confidence="high")
    low = await insight(
        database, team_id, items=["magic-link  SIGN-IN", "Skip email"], confidence="low"
    )
    await insight(database, team_id, items=["Dark mode"], confidence="medium")
    await insight(database, team_id, items=["Skip email"], confidence="high", is_private=True)
    await retract(database, await insight(database, team_id, items=["Skip email"]))
    await insight(database, other, items=["Skip email", "SSO"], confidence="high")
    async with database.transaction() as session:
        found = await evidence_for_items(
            session, team_id, ["Magic-link sign-in", "skip email", "Dark mode", "SSO"]
        )
    assert list(found) == ["Magic-link sign-in", "skip email", "Dark mode", "SSO"]
    magic = found["Magic-link sign-in"]
    assert [i.insight_id for i in magic.insights] == [high, low]
    assert magic.confidence_percent == 100  # the highest, not the mean (75)
    assert [i.insight_id for i in found["skip email"].insights] == [low]
    assert found["skip email"].confidence_percent == 50
    assert found["Dark mode"].confidence_percent == 80
    assert found["SSO"].insights == ()
    assert found["SSO"].confidence_percent is None


async def test_top_third_without_evidence_is_flagged(database: Database) -> None:
    team_id = await team(database)
    await insight(database, team_id, items=["Search"], confidence="low")
    await insight(database, team_id, items=["Billing"], is_private=True)
    ranked = [
        Ranked("Search", 1, 9),
        Ranked("Billing", 2, 5),
        Ranked("Onboarding", 2, 5),
        Ranked("Export", 4, 3),
        Ranked("SSO", 5, 1),
        Ranked("Dark mode", 6, 0),
    ]
    assert top_third(ranked) == ["Search", "Billing", "Onboarding"]
    # Nobody backed any of these: a shared last place is not the top third.
    one_backed = [Ranked("A", 1, 1)] + [Ranked(name, 2, 0) for name in "BCDEF"]
    assert top_third(one_backed) == ["A"]
    top = top_third(ranked)
    async with database.transaction() as session:
        found = await evidence_for_items(session, team_id, top)
    assert without_evidence(top, found) == ["Billing", "Onboarding"]  # private is no evidence
    assert without_evidence(["Not looked up"], found) == ["Not looked up"]
    assert top_third([]) == []
    async with database.transaction() as session:
        assert await unevidenced_leaders(session, team_id, ranked) == ["Billing", "Onboarding"]
        # No research behind any item: flagging every leader would tell nothing.
        unresearched = [Ranked("Starter", 1, 2), Ranked("Team", 2, 1), Ranked("Pro", 3, 0)]
        assert await unevidenced_leaders(session, team_id, unresearched) == []


async def test_insights_no_vote_refers_to_over_a_period(database: Database) -> None:
    team_id, other = await team(database), await team(database, "growth")
    since, until = NOW, NOW + 7 * DAY
    await vote(database, team_id, ["Search", "Billing"], opened=NOW - DAY)  # still open
    await vote(database, team_id, ["Export"], opened=NOW - 9 * DAY, closed=NOW + DAY)
    await vote(database, team_id, ["Late"], opened=until + DAY)  # opened after the period
    await vote(database, other, ["Onboarding"], opened=NOW)  # another team's vote
    used = await insight(database, team_id, at=NOW + DAY, items=["search"])
    export_early = await insight(database, team_id, at=NOW + DAY / 2, items=["Export"])
    closed_before = await insight(database, team_id, at=NOW + 2 * DAY, items=["Export"])
    unlinked = await insight(database, team_id, at=NOW + 3 * DAY, items=[])
    other_team_item = await insight(database, team_id, at=NOW + 3 * DAY, items=["Onboarding"])
    late = await insight(database, team_id, at=NOW + 4 * DAY, items=["Late"])
    before = await insight(database, team_id, at=NOW - DAY, items=[])
    await insight(database, team_id, at=NOW + DAY, items=[], is_private=True)
    await retract(database, await insight(database, team_id, at=NOW + DAY, items=[]))
    async with database.transaction() as session:
        unused = await insights_no_vote_uses(session, team_id, since, until)
        earlier = await insights_no_vote_uses(session, team_id, NOW - 2 * DAY, NOW)
    listed = [u.insight.insight_id for u in unused]
    assert listed == [closed_before, unlinked, other_team_item, late]
    # Each listed an item of an open vote (the Export one closed after this came out).
    assert {used, export_early}.isdisjoint(u.insight.insight_id for u in unused)
    by_id = {u.insight.insight_id: u for u in unused}
    assert by_id[closed_before].items == ("Export",)
    assert by_id[unlinked].items == ()
    assert by_id[closed_before].published_at == NOW + 2 * DAY
    assert by_id[closed_before].insight.percent == 100
    assert [u.insight.insight_id for u in earlier] == [before]
