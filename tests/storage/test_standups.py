"""Stand-up storage on SQLite and PostgreSQL: upserts, member sets, days off, cascades."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from storage.db import Database
from storage.models.standups import StandupAnswer, StandupMember, StandupTeam
from storage.repositories import jobs, people
from storage.repositories import standups as repo
from tests.support.builders import standup_team

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
MONDAY = date(2026, 11, 23)


async def _saved_team(db: Database, members: list[str]) -> StandupTeam:
    async with db.transaction() as session:
        return await repo.save_team(session, standup_team(created_at=NOW), members, NOW)


async def test_members_are_set_exactly_and_keep_their_join_time(database: Database) -> None:
    team = await _saved_team(database, ["U1", "U2"])
    assert team.id is not None
    async with database.transaction() as session:
        team.name = "Design Team"
        await repo.save_team(session, team, ["U2", "U3"], NOW + timedelta(days=1))
    async with database.transaction() as session:
        members = {m.user_id: m.added_at for m in await repo.members(session, team.id)}
        mine = await repo.teams_of_member(session, "W1", "U3")
        here = await repo.teams_in_channel(session, "W1", "C1")
    assert members == {"U2": NOW, "U3": NOW + timedelta(days=1)}
    assert [t.name for t in mine] == ["Design Team"]
    assert [t.id for t in here] == [team.id]


async def test_a_slug_is_unique_per_workspace(database: Database) -> None:
    await _saved_team(database, ["U1"])
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        async with database.transaction() as session:
            await repo.save_team(session, standup_team(created_at=NOW), ["U1"], NOW)


def _said(answer: str) -> repo.StoredEntry:
    return repo.StoredEntry("Any blockers?", "blockers", answer)


async def test_answers_upsert_and_keep_the_first_on_time_verdict(database: Database) -> None:
    team = await _saved_team(database, ["U1"])
    assert team.id is not None
    async with database.transaction() as session:
        await repo.save_answer(session, team, "U1", MONDAY, [_said("first")], True, NOW)
    async with database.transaction() as session:
        later = NOW + timedelta(hours=8)
        await repo.save_answer(session, team, "U1", MONDAY, [_said("second")], False, later)
    async with database.transaction() as session:
        answer = await repo.answer_for(session, team.id, "U1", MONDAY)
        before = await repo.latest_before(session, team.id, "U1", MONDAY + timedelta(days=1))
        answered = await repo.answered(session, team.id, [MONDAY])
    assert answer is not None
    assert (repo.entries_of(answer), answer.on_time) == ((_said("second"),), True)
    assert (
        answer.entries == '[{"question": "Any blockers?", "kind": "blockers", "answer": "second"}]'
    )
    assert (answer.submitted_at, answer.updated_at) == (NOW, NOW + timedelta(hours=8))
    assert before is not None
    assert before.id == answer.id
    assert answered == {("U1", MONDAY)}


async def test_prompts_are_recorded_once(database: Database) -> None:
    team = await _saved_team(database, ["U1"])
    assert team.id is not None
    for _ in range(2):
        async with database.transaction() as session:
            await repo.record_prompts(
                session, team.workspace_id, team.id, [("U1", MONDAY, "prompt")], NOW
            )
    async with database.transaction() as session:
        sent = await repo.sent_prompts(session, team.id, [MONDAY])
    assert sent == {("U1", MONDAY, "prompt"): NOW}


async def test_bulk_claims_are_won_once_and_taken_over_after_a_crash(database: Database) -> None:
    lease = timedelta(minutes=5)
    async with database.transaction() as session:
        assert await jobs.claim_many(session, ["a", "b"], "r1", NOW, lease) == {"a", "b"}
    async with database.transaction() as session:
        assert await jobs.claim_many(session, ["a", "b", "c"], "r2", NOW, lease) == {"c"}
        await jobs.complete_many(session, ["c"], "r2", NOW)
        await jobs.complete_many(session, ["a"], "r2", NOW)  # not r2's: changes nothing
    later = NOW + lease + timedelta(seconds=1)
    async with database.transaction() as session:
        # r1 crashed: its unfinished claims can be taken over; finished ones never run again.
        assert await jobs.claim_many(session, ["a", "b", "c"], "r3", later, lease) == {"a", "b"}
        await jobs.complete_many(session, ["a", "b"], "r3", later)
    async with database.transaction() as session:
        assert (
            await jobs.claim_many(session, ["a", "b", "c"], "r4", later + lease * 2, lease) == set()
        )
    async with database.transaction() as session:
        assert await jobs.claim(session, "a", "r5", later + lease * 2, lease) is False


async def test_skips_are_trimmed_not_forgotten_when_someone_comes_back(database: Database) -> None:
    async with database.transaction() as session:
        await repo.add_skip(session, "W1", "U1", MONDAY, MONDAY + timedelta(days=9), NOW)
        await repo.add_skip(session, "W1", "U1", date(2026, 12, 24), date(2026, 12, 31), NOW)
    comeback = MONDAY + timedelta(days=3)
    async with database.transaction() as session:
        assert await repo.clear_skips(session, "W1", "U1", comeback) == 2
    async with database.transaction() as session:
        left = await repo.skips(session, "W1", ["U1"], date.min, date.max)
    assert [(s.first_day, s.last_day) for s in left["U1"]] == [
        (MONDAY, comeback - timedelta(days=1))
    ]


async def test_holidays_add_once_list_and_remove(database: Database) -> None:
    team = await _saved_team(database, ["U1"])
    assert team.id is not None
    xmas = date(2026, 12, 25)
    async with database.transaction() as session:
        assert await repo.add_holiday(session, team, xmas, "Christmas", "U1", NOW)
        assert not await repo.add_holiday(session, team, xmas, "again", "U1", NOW)
    async with database.transaction() as session:
        listed = await repo.holidays(session, team.id, MONDAY, date.max)
        assert [(h.day, h.note) for h in listed] == [(xmas, "Christmas")]
        assert await repo.remove_holiday(session, team.id, xmas)
        assert not await repo.remove_holiday(session, team.id, xmas)


async def test_a_chosen_zone_sits_beside_the_profile_zone(database: Database) -> None:
    async with database.transaction() as session:
        await people.remember(
            session,
            platform="local",
            workspace_id="W1",
            user_id="U1",
            display_name="Ada",
            timezone="Europe/Berlin",
            now=NOW,
        )
        await repo.set_timezone(session, "W1", "U1", "Asia/Tokyo", NOW)
        await repo.set_timezone(session, "W1", "U1", "Europe/Paris", NOW)
        zones = await repo.zones(session, "W1", ["U1", "U2"])
    assert zones["U1"] == repo.Zones("Europe/Paris", "Europe/Berlin")
    assert zones["U2"] == repo.Zones(None, None)
    async with database.transaction() as session:
        assert await repo.clear_timezone(session, "W1", "U1")
        assert (await repo.zones(session, "W1", ["U1"]))["U1"].chosen is None


async def test_summaries_and_thread_replies_are_remembered(database: Database) -> None:
    team = await _saved_team(database, ["U1"])
    assert team.id is not None
    async with database.transaction() as session:
        summary = await repo.record_summary(session, team, MONDAY, "local", "C1", "m1", NOW)
        assert summary.id is not None
        await repo.record_summary_post(session, summary, "U1", "m2")
        await repo.record_summary_post(session, summary, "U1", "m3")
    async with database.transaction() as session:
        found = await repo.summary_for(session, team.id, MONDAY)
        assert found is not None
        assert found.message_id == "m1"
        assert await repo.summary_posts(session, summary.id) == {"U1": "m3"}


async def test_removing_a_team_removes_its_history(database: Database) -> None:
    team = await _saved_team(database, ["U1"])
    async with database.transaction() as session:
        await repo.save_answer(session, team, "U1", MONDAY, [], True, NOW)
    async with database.transaction() as session:
        stored = await repo.team_by_id(session, team.id or 0)
        assert stored is not None
        await repo.delete_team(session, stored)
    async with database.transaction() as session:
        assert (await session.exec(select(StandupAnswer))).all() == []
        assert (await session.exec(select(StandupMember))).all() == []


def test_questions_are_stored_in_the_format_they_always_had() -> None:
    asked = (
        repo.StoredQuestion("Any blockers?", "blockers", True),
        repo.StoredQuestion("Mood?", "other", False),
    )
    column = repo.questions_column(asked)
    assert column == (
        '[{"text": "Any blockers?", "kind": "blockers", "required": true}, '
        '{"text": "Mood?", "kind": "other", "required": false}]'
    )
    assert repo.questions_of(standup_team(questions=column)) == asked
