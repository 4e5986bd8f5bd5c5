"""Slack and Teams stay identical: the same words through each real endpoint, the same answer.

One aiohttp app serves both platforms (as `alignbot serve` does). Each line is sent as a Slack
slash command (signed, to /slack/events) and as a Teams message (to /api/messages); the core
outcome each adapter obtained is compared, and each platform must have delivered it.
"""

from __future__ import annotations

import re

import pytest

from adapters.local.render import render
from bot.replies import Form, Outcome, Reply
from tests.teams.both import Both


def _same(slack: Outcome, teams: Outcome) -> None:
    if isinstance(slack, Form):
        assert isinstance(teams, Form)
        assert (slack.form_id, slack.title, slack.inputs) == (
            teams.form_id,
            teams.title,
            teams.inputs,
        )
        return
    assert isinstance(slack, Reply), slack
    assert isinstance(teams, Reply), teams
    assert render(slack) == render(teams)


@pytest.mark.parametrize(
    "line",
    [
        "who owns backlog priority",
        "who owns the coffee machine",
        "who design",
        "role list",
        "raci show",
        "raci check",
        "vote new Which epic next?",
        "insight new",
        "insight search onboarding",
        "standup",
        "frobnicate the roadmap",
    ],
)
async def test_the_same_words_give_the_same_answer_on_slack_and_teams(
    both: Both, line: str
) -> None:
    slack, teams = await both.ask(line)
    _same(slack, teams)
    assert both.connector.calls, "Teams delivered nothing"
    assert both.slack.fake.calls or both.slack.fake.responses, "Slack delivered nothing"


async def test_help_lists_the_same_commands_each_spelled_for_its_platform(both: Both) -> None:
    slack, teams = await both.ask("alignbot help")
    assert isinstance(slack, Reply)
    assert isinstance(teams, Reply)
    listed = re.compile(r"^(/?)(?:alignbot )?(\w+) — ", re.MULTILINE)  # `/alignbot my`
    on_slack = listed.findall(render(slack))
    on_teams = listed.findall(render(teams))
    assert {slash for slash, _ in on_slack} == {"/"}
    assert {slash for slash, _ in on_teams} == {""}
    assert [name for _, name in on_slack] == [name for _, name in on_teams]
    assert len(on_slack) >= 7
