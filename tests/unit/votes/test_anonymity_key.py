"""Anonymous ballots are keyed by a server key kept out of the database, present by default."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import pytest
from sqlmodel import select

from adapters.local.render import render
from bot.app import AlignBot
from bot.context import Context
from bot.ports import MessengerHub
from bot.replies import Form, Reply
from bot.server_key import FILE_NAME, server_key
from bot.settings import Settings
from storage.db import Database
from storage.models.votes import Ballot, Poll, PollVoter
from tests.conftest import ask, person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.votes.support import new_values, open_vote, pick, submit

VOTERS = [person(f"U{n}", f"Voter {n}") for n in range(1, 7)]


def _relinked(poll: Poll, ballots: list[Ballot], voters: list[str], guess: bytes) -> int:
    """What an attacker with a database copy computes: each voter's owner key under `guess`."""
    keys = {
        "k:"
        + hmac.new(guess, f"{poll.id}:{poll.ballot_salt}:{u}".encode(), hashlib.sha256).hexdigest()
        for u in voters
    }
    return sum(ballot.owner_key in keys for ballot in ballots)


async def _database_copy(bot: AlignBot) -> tuple[Poll, list[Ballot], list[str]]:
    async with bot.ctx.db.transaction() as session:
        poll = (await session.exec(select(Poll))).one()
        ballots = list((await session.exec(select(Ballot))).all())
        voters = [v.user_id for v in (await session.exec(select(PollVoter))).all()]
    return poll, ballots, voters


async def test_a_database_copy_cannot_relink_open_anonymous_ballots(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot, method="single", anonymous="yes")
    for n, voter in enumerate(VOTERS):
        await pick(alignbot, poll_id, n % 2, voter)
    poll, ballots, voters = await _database_copy(alignbot)
    assert len(ballots) == len(voters) == 6
    # The attacker has the salt (the vote is open) and every voter's id, but not the key file:
    for guess in (b"", b"alignbot", b"secret", poll.ballot_salt.encode()):
        assert _relinked(poll, ballots, voters, guess) == 0
    # The same computation with the server key does re-link: the attack above is the real one.
    key = server_key(alignbot.ctx.settings)
    assert _relinked(poll, ballots, voters, key.secret) == 6


async def test_with_default_settings_a_private_key_file_is_created_beside_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALIGNBOT_SECRET_FILE")
    database = tmp_path / "data" / "alignbot.db"
    settings = Settings(_env_file=None, ALIGNBOT_DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    key = server_key(settings)
    path = database.parent / FILE_NAME
    assert key.persistent
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key.secret) >= 32
    assert path.read_text().strip().encode() == key.secret
    assert [p.name for p in path.parent.iterdir()] == [FILE_NAME]  # no temporary file left
    again = Settings(_env_file=None, ALIGNBOT_DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    assert server_key(again) == key


async def test_an_existing_key_file_is_kept_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "shared.key"
    path.write_text("k" * 40 + "\n")
    os.chmod(path, 0o600)
    monkeypatch.setenv("ALIGNBOT_SECRET_FILE", str(path))
    assert server_key(Settings(_env_file=None)).secret == b"k" * 40


def test_a_short_configured_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="at least 32"):
        server_key(Settings(_env_file=None, ALIGNBOT_SECRET_KEY="short"))


async def test_postgres_without_a_shared_key_refuses_anonymous_votes(
    sqlite_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replicas generating keys each would key ballots differently: refuse instead."""
    monkeypatch.delenv("ALIGNBOT_SECRET_FILE")
    settings = Settings(
        _env_file=None,
        ALIGNBOT_ADMINS="",
        ALIGNBOT_DATABASE_URL="postgresql+asyncpg://postgres@127.0.0.1/replicated",
    )
    assert not server_key(settings).persistent
    hub = MessengerHub()
    hub.connect("local", RecordingMessenger())
    ctx = Context(db=sqlite_db, messenger=hub, clock=FakeClock(), settings=settings)
    bot = AlignBot(ctx)
    form = await ask(bot, "/vote new")
    assert isinstance(form, Form)
    values = new_values(method="single", anonymous="yes")
    refused = await submit(bot, "vote.new", values, metadata=form.metadata)
    assert "ALIGNBOT_SECRET_KEY" in render(refused) if isinstance(refused, Reply) else str(refused)
    async with sqlite_db.transaction() as session:
        assert (await session.exec(select(Poll))).all() == []
    assert await open_vote(bot, method="single", anonymous="no") > 0  # open votes still work


async def test_after_a_key_rotation_an_open_anonymous_ballot_is_not_counted_twice(
    alignbot: AlignBot,
) -> None:
    poll_id = await open_vote(alignbot, method="single", anonymous="yes")
    await pick(alignbot, poll_id, 0, VOTERS[0])
    alignbot.ctx.settings = Settings(
        _env_file=None, ALIGNBOT_ADMINS="", ALIGNBOT_SECRET_KEY="r" * 40
    )
    refused = await pick(alignbot, poll_id, 1, VOTERS[0])
    assert isinstance(refused, Reply)
    assert "before this server's key changed" in render(refused)
    await pick(alignbot, poll_id, 1, VOTERS[1])  # others vote as usual
    _, ballots, _ = await _database_copy(alignbot)
    assert sorted(b.choice for b in ballots) == ["[0]", "[1]"]
