"""Every read command shows only what the asker may see; out of scope reads as "no such"."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.app import AlignBot
from bot.events import Action
from bot.replies import Outcome
from tests.conftest import ask, channel, person
from tests.support.recording import FakeClock, RecordingMessenger
from tests.unit.insights.helpers import share
from tests.unit.standups.conftest import answer, run, shown, submit_setup
from tests.unit.votes.support import open_vote, pick, text_of

CREATOR = person("U1", "Ada Creator")
VOTER = person("U2", "Bo Voter")
OUTSIDER = person("U6", "Cy Outsider")
ADMIN = person("U9", "Di Admin", admin=True)
ELSEWHERE = "C2"  # a channel the vote was not opened in


def without_numbers(outcome: Outcome) -> str:
    return re.sub(r"\d+", "N", text_of(outcome))


async def ask_elsewhere(bot: AlignBot, line: str, who: object) -> str:
    return text_of(await ask(bot, line, who, where=ELSEWHERE))  # type: ignore[arg-type]


# Votes ---------------------------------------------------------------------------------------


@pytest.fixture
async def closed_vote(alignbot: AlignBot) -> int:
    poll_id = await open_vote(alignbot, CREATOR, method="single", question="Secret roadmap?")
    await pick(alignbot, poll_id, 0, VOTER)
    await ask(alignbot, f"/vote close {poll_id}", CREATOR)
    return poll_id


@pytest.mark.parametrize("verb", ["results", "export", "close", "delete"])
async def test_an_outsider_cannot_tell_a_vote_from_one_that_does_not_exist(
    alignbot: AlignBot, closed_vote: int, verb: str
) -> None:
    hidden = await ask(alignbot, f"/vote {verb} {closed_vote}", OUTSIDER, where=ELSEWHERE)
    missing = await ask(alignbot, f"/vote {verb} 4242", OUTSIDER, where=ELSEWHERE)
    assert "Secret roadmap" not in text_of(hidden)
    assert "Search" not in text_of(hidden)
    assert without_numbers(hidden) == without_numbers(missing)
    assert f"no vote {closed_vote}" in text_of(hidden)


@pytest.mark.parametrize("verb", ["results", "export"])
async def test_the_vote_channel_voters_creator_and_admins_see_it(
    alignbot: AlignBot, closed_vote: int, messenger: RecordingMessenger, verb: str
) -> None:
    line = f"/vote {verb} {closed_vote}"  # both show the items: Search, Onboarding, Billing
    assert "Search" in text_of(await ask(alignbot, line, OUTSIDER, where="C1"))
    assert messenger.membership_checks == []  # asked in the vote's channel: no platform call
    for who in (CREATOR, VOTER, ADMIN):
        assert "Search" in await ask_elsewhere(alignbot, line, who)
    messenger.members["C1"] = {OUTSIDER.user_id}  # the platform says Cy is in the channel
    assert "Search" in await ask_elsewhere(alignbot, line, OUTSIDER)
    assert ("C1", OUTSIDER.user_id) in messenger.membership_checks


async def test_an_outsider_cannot_vote_through_a_forged_button(alignbot: AlignBot) -> None:
    poll_id = await open_vote(alignbot, CREATOR, method="single", question="Secret roadmap?")
    forged = Action("vote.open", str(poll_id), OUTSIDER, channel(ELSEWHERE))
    assert f"no vote {poll_id}" in text_of(await alignbot.handle(forged))


async def test_vote_list_shows_only_the_asking_channel(
    alignbot: AlignBot, closed_vote: int
) -> None:
    assert "Secret roadmap" in text_of(await ask(alignbot, "/vote list", OUTSIDER, where="C1"))
    assert "Secret roadmap" not in await ask_elsewhere(alignbot, "/vote list", OUTSIDER)


async def test_the_digest_preview_shows_only_its_own_channel(
    alignbot: AlignBot, closed_vote: int, clock: FakeClock
) -> None:
    clock.advance(hours=1)
    assert "Secret roadmap" in text_of(await ask(alignbot, "/digest preview", OUTSIDER))
    assert "Secret roadmap" not in await ask_elsewhere(alignbot, "/digest preview", OUTSIDER)


# Insights --------------------------------------------------------------------------------------


async def test_a_private_insight_shows_to_its_list_and_reads_as_missing_to_others(
    alignbot: AlignBot,
) -> None:
    await share(alignbot, visibility="private", people=["U5"], title="Secret pricing finding")
    listed = person("U5", "Bo Listed")
    assert "Secret pricing" in text_of(await ask(alignbot, "/insight show 1", listed))
    hidden = await ask(alignbot, "/insight show 1", OUTSIDER)
    missing = await ask(alignbot, "/insight show 77", OUTSIDER)
    assert "Secret pricing" not in text_of(hidden)
    assert without_numbers(hidden) == without_numbers(missing)


# Stand-ups -------------------------------------------------------------------------------------


@pytest.fixture
async def answered_standup(alignbot: AlignBot, clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
    await submit_setup(alignbot, CREATOR, members=["U1", "U2"], reminder="0")
    await answer(alignbot, VOTER, ["shipped the secret pricing page", "more", "none"])


@pytest.mark.parametrize("verb", ["history", "stats"])
async def test_standup_history_and_stats_are_for_members_and_admins(
    alignbot: AlignBot, answered_standup: None, verb: str
) -> None:
    for who in (VOTER, ADMIN):
        assert "Design" in shown(await run(alignbot, who, f"design {verb}", where=ELSEWHERE))
    refused = shown(await run(alignbot, OUTSIDER, f"design {verb}", where=ELSEWHERE))
    assert "Only members of the Design stand-up and admins" in refused
    assert "secret pricing" not in refused
    assert "Bo" not in refused
    from_its_channel = shown(await run(alignbot, OUTSIDER, verb, where="C1"))
    assert "secret pricing" not in from_its_channel


async def test_history_shows_members_their_team_answers(
    alignbot: AlignBot, answered_standup: None
) -> None:
    assert "secret pricing" in shown(await run(alignbot, CREATOR, "design history"))


async def test_insight_subscriptions_name_only_channels_the_asker_is_in(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    await ask(alignbot, "/insight subscribe <#C10|leadership-private> pricing", ADMIN)
    await ask(alignbot, "/insight subscribe here onboarding", ADMIN, where=ELSEWHERE)
    messenger.members["C10"] = {VOTER.user_id}

    outsider = await ask_elsewhere(alignbot, "/insight subscriptions", OUTSIDER)
    assert "leadership-private" not in outsider
    assert "onboarding" in outsider  # the channel it asks from counts as its own
    assert "leadership-private" in text_of(await ask(alignbot, "/insight subscriptions", VOTER))
    assert "leadership-private" in text_of(await ask(alignbot, "/insight subscriptions", ADMIN))
