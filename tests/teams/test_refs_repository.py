"""Stored Teams references on SQLite and PostgreSQL: upserts, lookups, tenant isolation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.db import Database
from storage.repositories import teams_refs

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _seen(kind: str, subject: str, conversation: str, **extra: str) -> teams_refs.Seen:
    return teams_refs.Seen(
        workspace_id=extra.pop("workspace_id", "t1"),
        kind=kind,
        subject_id=subject,
        conversation_id=conversation,
        service_url=extra.pop("service_url", "https://smba.example/emea/"),
        reference=extra.pop("reference", "{}"),
        **extra,
    )


async def test_upsert_keeps_one_row_with_the_newest_reference(database: Database) -> None:
    async with database.transaction() as session:
        await teams_refs.remember(session, _seen("channel", "19:c", "19:c", reference="old"), NOW)
    later = NOW + timedelta(hours=1)
    async with database.transaction() as session:
        newer = _seen("channel", "19:c", "19:c", reference="new", service_url="https://smba/amer/")
        await teams_refs.remember(session, newer, later)
    async with database.transaction() as session:
        row = await teams_refs.for_conversation(session, "t1", "19:c")
    assert row is not None
    assert (row.reference, row.service_url, row.updated_at) == ("new", "https://smba/amer/", later)


async def test_people_are_found_by_kind_and_teams_ids_map_to_user_ids(database: Database) -> None:
    async with database.transaction() as session:
        member = _seen("member", "aad-bob", "19:c", user_id="aad-bob", teams_user_id="29:bob")
        await teams_refs.remember(session, member, NOW)
        personal = _seen("personal", "aad-ada", "a:1", user_id="aad-ada", teams_user_id="29:ada")
        await teams_refs.remember(session, personal, NOW + timedelta(minutes=1))
    async with database.transaction() as session:
        found = await teams_refs.for_person(session, "t1", "aad-bob", teams_refs.MEMBER)
        assert found is not None
        assert await teams_refs.for_person(session, "t1", "aad-bob", teams_refs.PERSONAL) is None
        direct = await teams_refs.for_conversation(session, "t1", "a:1")
        assert direct is not None
        assert direct.subject_id == "aad-ada"
        known = await teams_refs.user_ids_by_teams_id(session, "t1", {"29:bob", "29:ada", "29:x"})
        assert known == {"29:bob": "aad-bob", "29:ada": "aad-ada"}
        freshest = await teams_refs.any_in_workspace(session, "t1")
        assert freshest is not None
        assert freshest.subject_id == "aad-ada"


async def test_tenants_never_see_each_others_references(database: Database) -> None:
    async with database.transaction() as session:
        await teams_refs.remember(session, _seen("channel", "19:c", "19:c", workspace_id="a"), NOW)
    async with database.transaction() as session:
        assert await teams_refs.for_conversation(session, "b", "19:c") is None
        assert await teams_refs.any_in_workspace(session, "b") is None
        assert await teams_refs.user_ids_by_teams_id(session, "b", set()) == {}
