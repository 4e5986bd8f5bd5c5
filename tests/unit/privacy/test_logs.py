"""No log line may pair an anonymous voter with what they chose."""

from __future__ import annotations

import logging

import pytest

from bot.app import AlignBot
from storage.repositories import votes
from tests.conftest import person
from tests.unit.votes.support import open_vote, text_of, vote_form

VOTER = person("U7", "Vera Voter")


async def test_a_failing_anonymous_ballot_logs_neither_the_choice_nor_the_form_values(
    alignbot: AlignBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    poll_id = await open_vote(alignbot, method="multi", anonymous="yes", max_choices="2")

    async def broken_cast(*_: object, **__: object) -> set[str]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(votes, "cast_all", broken_cast)
    caplog.set_level(logging.INFO)  # the default level in production
    outcome = await vote_form(alignbot, poll_id, VOTER, {"choices": ["2", "0"]})

    assert "something went wrong on my side" in text_of(outcome)
    failure = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert failure, "the failure itself must still be logged"
    assert "vote.ballot" in caplog.text  # which form failed, so it can be debugged
    for record in caplog.records:
        line = record.getMessage()
        assert "Vera" not in line
        assert "choices" not in line
        assert "['2', '0']" not in line
