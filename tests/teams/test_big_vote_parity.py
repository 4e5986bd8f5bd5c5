"""The biggest votes, end to end on both platforms: a 50-item ranked vote and a 24-item RICE
vote are created, voted by five people and closed through Slack (signed HTTP, fake Web API)
and through Teams (activities and dialog invokes, fake connector); both count the same, and
nothing either platform was sent breaks its limits."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.models.views import View
from sqlmodel import col, select

from adapters.teams.limits import MAX_UTF8, weight
from bot.features.votes import polls
from bot.features.votes.ballots import IMPACTS
from bot.features.votes.tally import Result
from storage.models.votes import Poll
from tests.slack.harness import initial_values
from tests.teams.activities import (
    ADA,
    BOB,
    CHANNEL,
    channel_conversation,
    channel_message,
    task_fetch,
    task_submit,
)
from tests.teams.both import Both

VOTERS = 5
TEAMS_PEOPLE = [
    ADA,
    BOB,
    *({"id": f"29:p{k}", "name": f"Person {k}", "aadObjectId": f"aad-p{k}"} for k in range(3)),
]
ITEMS = {"ranked": 50, "rice": 24}


def items(method: str) -> str:
    return "\n".join(f"Item {i:02d} {'long name ' * 12}".strip() for i in range(ITEMS[method]))


def ballot(method: str, voter: int) -> dict[str, str]:
    """Voter `voter`'s ballot as form values: a rotated partial ranking, or RICE scores."""
    n = ITEMS[method]
    if method == "ranked":
        order = [(voter * 7 + j) % n + 1 for j in range(10 + voter * 8)]
        return {"order": ", ".join(map(str, order))}
    values: dict[str, str] = {}
    for i in range(n):
        values[f"reach_{i}"] = str(100 * voter + 10 * i)
        values[f"impact_{i}"] = f"{IMPACTS[(i + voter) % len(IMPACTS)]:g}"
        values[f"confidence_{i}"] = str(50 + 10 * voter)
        values[f"effort_{i}"] = str(1 + (i + voter) % 5)
    return values


def new_vote(method: str) -> dict[str, str]:
    return {"question": f"Biggest {method} vote?", "items": items(method), "method": method}


async def newest_poll(pair: Both) -> Poll:
    async with pair.slack.bot.ctx.db.transaction() as session:
        found = (await session.exec(select(Poll).order_by(col(Poll.id).desc()))).first()
    assert found is not None
    return found


async def result_of(pair: Both, poll_id: int) -> Result:
    async with pair.slack.bot.ctx.db.transaction() as session:
        poll = (await session.exec(select(Poll).where(Poll.id == poll_id))).one()
        result, _, _ = await polls.summarize(session, poll)
    return result


# Slack -------------------------------------------------------------------------------------


def opened_view(pair: Both) -> dict[str, Any]:
    view: dict[str, Any] = pair.slack.fake.called("views.open")[-1]["view"]
    View(**view).validate_json()  # slack_sdk's own limits
    return view


async def slack_vote(pair: Both, method: str) -> int:
    slack = pair.slack
    await slack.command(f"/vote new Biggest {method} vote?")
    await slack.settle()
    view = opened_view(pair)
    submitted = await slack.submit(view, {**initial_values(view), **new_vote(method)})
    assert submitted.text == "", submitted.text
    await slack.settle()
    poll = await newest_poll(pair)
    assert poll.id is not None
    posted = slack.fake.called("chat.postMessage")[-1]
    for voter in range(VOTERS):
        user = f"U{voter + 1}"
        await slack.click(posted, "vote.open", user=user)
        await slack.settle()
        ballot_view = opened_view(pair)
        answer = await slack.submit(ballot_view, ballot(method, voter), user=user)
        assert answer.text == "", answer.text
        await slack.settle()
    await slack.command(f"/vote close {poll.id}")
    await slack.settle()
    for call in slack.fake.calls:
        if "blocks" in call.body:
            assert len(call.body["blocks"]) <= 50, call.method
    return poll.id


# Teams -------------------------------------------------------------------------------------


async def teams_task(pair: Both, activity: dict[str, Any]) -> dict[str, Any]:
    async with pair.session.post(f"{pair.teams_url}/api/messages", json=activity) as response:
        assert response.status == 200
        body = await response.json()
    assert weight(body) <= MAX_UTF8, "a dialog card over Teams' limit"
    task: dict[str, Any] = body["task"]
    return task


async def fill_dialog(
    pair: Both, task: dict[str, Any], values: dict[str, str], person: dict[str, Any]
) -> dict[str, Any]:
    """Fills every page of a dialog (Next, Next, … submit); the answer to the last page."""
    thread = channel_conversation()
    pages = 0
    while True:
        assert task["type"] == "continue", task
        card = task["value"]["card"]["content"]
        ids = [e["id"] for e in card["body"] if "id" in e]
        data = {**card["actions"][0]["data"], **{i: values[i] for i in ids if i in values}}
        pages += 1
        answer = await teams_task(
            pair, task_submit(pair.connector.url, data, conversation=thread, sender=person)
        )
        if "alignbot_step" not in data:
            return answer | {"pages": pages}
        task = answer


async def teams_vote(pair: Both, method: str) -> int:
    thread = channel_conversation()
    send = pair.session.post
    await (await send(f"{pair.teams_url}/api/messages",
                      json=channel_message(pair.connector.url, f"vote new Biggest {method} vote?")
                      )).read()  # fmt: skip
    launcher = pair.connector.of_kind("reply")[-1].card
    data = launcher["actions"][0]["data"]
    task = await teams_task(pair, task_fetch(pair.connector.url, data, conversation=thread))
    created = await fill_dialog(pair, task, new_vote(method), ADA)
    assert "is open in the channel" in json.dumps(created, ensure_ascii=False)
    poll = await newest_poll(pair)
    assert poll.id is not None
    live = next(c for c in pair.connector.of_kind("post") if c.conversation_id.startswith(CHANNEL))
    vote_button = next(
        action["data"]
        for element in live.card["body"]
        if element["type"] == "ActionSet"
        for action in element["actions"]
        if action["data"].get("alignbot_action") == "vote.open"
    )
    assert vote_button["msteams"] == {"type": "task/fetch"}
    for voter, person in enumerate(TEAMS_PEOPLE):
        opened = await teams_task(
            pair,
            task_fetch(pair.connector.url, vote_button, conversation=thread, sender=person),
        )
        answer = await fill_dialog(pair, opened, ballot(method, voter), person)
        assert answer["type"] == "continue"  # the confirmation is the dialog's private result
        if method == "rice":
            assert answer["pages"] > 1  # 96 inputs do not fit one dialog card
    closing = channel_message(pair.connector.url, f"vote close {poll.id}")
    await (await send(f"{pair.teams_url}/api/messages", json=closing)).read()
    assert pair.connector.refused == []  # nothing over the limit reached the connector
    for call in pair.connector.calls:
        assert weight(call.body) <= MAX_UTF8
    return poll.id


@pytest.fixture
def pair(both: Both) -> Both:
    return both


@pytest.mark.parametrize("method", ["ranked", "rice"])
async def test_the_biggest_votes_count_the_same_on_slack_and_teams(pair: Both, method: str) -> None:
    on_slack = await result_of(pair, await slack_vote(pair, method))
    on_teams = await result_of(pair, await teams_vote(pair, method))
    assert on_slack.ballots == on_teams.ballots == VOTERS
    assert on_slack.order == on_teams.order
    assert on_slack.schulze == on_teams.schulze
    final = [c for c in pair.connector.calls if "final" in json.dumps(c.body).lower()]
    assert final, "Teams never showed the final result"
