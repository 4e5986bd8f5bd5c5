"""Every form a feature can produce renders on Slack and Teams, the ones that open only from a
button or a shortcut too (a ballot, adding an option, overriding a decision, a stand-up
answer): found by using a workspace from the features' examples alone
(`tests/conformance/explore.py`), so a new feature's forms are checked without being listed."""

from __future__ import annotations

from bot.app import AlignBot
from bot.feature import discover_features
from bot.router import Router
from tests.conformance.explore import Exploration, as_delivered
from tests.conformance.platforms import assert_form_fits, assert_reply_fits
from tests.support.recording import RecordingMessenger

FEATURES = discover_features()
ROUTER = Router(FEATURES)
# Ada holds the RACI template's Accountable role for the examples' "Pricing & packaging"
# decision, so a vote on it asks her to ratify or override.
TEAM = ["/role assign @ada Stakeholder"]
NOT_REACHED = {
    "standup.escalation.not_mine": "opens from a blocker escalation, which needs one blocker "
    "naming a decision on three stand-up days running",
}


async def test_every_form_and_message_renders_on_slack_and_teams(
    alignbot: AlignBot, messenger: RecordingMessenger
) -> None:
    examples = [e.command for f in FEATURES for spec in f.commands for e in spec.examples]
    explored = Exploration(alignbot, messenger)
    await explored.run(FEATURES, [as_delivered(line) for line in TEAM + examples])

    reached = {form.form_id for form in explored.forms}
    assert reached | NOT_REACHED.keys() == set(ROUTER.forms), "reach each form, or say why not"
    assert not reached & NOT_REACHED.keys(), "reached now: take it off NOT_REACHED"
    for form in explored.forms:
        assert_form_fits(form)
    for seen in explored.replies:
        assert_reply_fits(seen.reply)
    assert explored.unmarked == [], "a button that opens a form is marked opens_form (Teams)"
