"""An anonymous ballot's owner key depends on the per-poll salt (erased when the poll closes)."""

from __future__ import annotations

from bot.features.votes.polls import owner_key
from bot.server_key import ServerKey
from storage.models.votes import Poll


def _poll(salt: str) -> Poll:
    return Poll(id=7, anonymous=True, ballot_salt=salt)


def test_the_owner_key_changes_with_the_salt_and_only_with_it() -> None:
    key = ServerKey(b"k" * 32, persistent=True, source="test")
    first = owner_key(_poll("a" * 32), "U1", key)
    assert first == owner_key(_poll("a" * 32), "U1", key)  # stable while the poll is open
    assert first != owner_key(_poll("b" * 32), "U1", key)  # a new salt: no link to the old
    assert first != owner_key(_poll(""), "U1", key)  # the erased salt recomputes nothing
    assert first != owner_key(_poll("a" * 32), "U2", key)
