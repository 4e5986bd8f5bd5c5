"""Backlog priority votes: six methods, live results, anonymous ballots, splits by role."""

from __future__ import annotations

from bot.feature import Feature, Tick
from bot.features.votes import additions, commands, polls, series, shortcut
from bot.features.votes.ballots import BALLOT_FORM
from bot.features.votes.forms import NEW_FORM
from bot.features.votes.personal import forget_person, personal_data
from bot.features.votes.polls import counted, on_close
from bot.features.votes.polls import reopen as reopen_vote
from bot.features.votes.settings import VoteSettings
from bot.features.votes.tally import Result
from bot.features.votes.views import OPEN_BALLOT_ACTION, PICK_ACTION, RoleSplit
from bot.features.votes.waiting import waiting_for
from storage.repositories.votes import items_of

FEATURE = Feature(
    name="votes",
    commands=(commands.SPEC,),
    actions={
        PICK_ACTION: commands.pick,
        OPEN_BALLOT_ACTION: commands.open_ballot,
        commands.DELETE_ACTION: commands.delete_confirmed,
        shortcut.FROM_MESSAGE_ACTION: shortcut.from_message,
        additions.ADD_ACTION: additions.open_form,
    },
    forms={
        NEW_FORM: commands.submit_new,
        BALLOT_FORM: commands.submit_ballot,
        additions.ADD_FORM: additions.submit,
    },
    ticks=(Tick("close_due", 60, polls.close_due), Tick("open_rounds", 60, series.open_due)),
    settings=VoteSettings,
    depends_on=("insights", "roles"),
)

# What other features may use: the privacy feature (a person's data, erasure, retention); the
# home page (the open votes waiting for a person's ballot); the digest (a closed vote's result,
# `counted`, and its items' labels, `items_of`); decision records (a hook run in each vote's
# closing transaction, `on_close`, with its `Result` and `RoleSplit`, and `reopen_vote` for
# another round).
__all__ = [
    "FEATURE",
    "Result",
    "RoleSplit",
    "counted",
    "forget_person",
    "items_of",
    "on_close",
    "personal_data",
    "reopen_vote",
    "waiting_for",
]
