"""What every feature owes the next person, checked for each discovered feature (a new one is
checked without being listed here): its commands are documented with examples, each example
parses into the command (and, for declared subcommands, into a subcommand whose arguments
read), `help` lists every example, and every reply and form its examples produce renders on
Slack and on Teams."""

from __future__ import annotations

import pytest

from adapters.local.render import render
from bot.app import AlignBot
from bot.events import Message
from bot.feature import CommandSpec, Example, Feature, discover_features
from bot.replies import Form, Outcome, Reply
from bot.router import Router
from bot.subcommands import choose, read_args
from tests.conformance.explore import as_delivered
from tests.conformance.platforms import assert_form_fits, assert_reply_fits
from tests.conftest import ask, channel, person
from tests.support.recording import RecordingMessenger

FEATURES = discover_features()
ROUTER = Router(FEATURES)
ADMIN = person("U1", "Ada", admin=True)


def _by_name(features: list[Feature]) -> list[object]:
    return [pytest.param(feature, id=feature.name) for feature in features]


def _with_commands() -> list[object]:
    return _by_name([feature for feature in FEATURES if feature.commands])


def _examples(feature: Feature) -> list[tuple[CommandSpec, Example]]:
    return [(spec, example) for spec in feature.commands for example in spec.examples]


def test_features_are_discovered() -> None:
    assert {"help", "standups", "insights", "digest", "privacy", "votes", "roles"} <= {
        feature.name for feature in FEATURES
    }


@pytest.mark.parametrize("feature", _with_commands())
def test_every_command_is_documented_with_examples(feature: Feature) -> None:
    for spec in feature.commands:
        assert spec.summary.strip(), spec.name
        assert spec.examples, f"{spec.name} has no example"
        for example in spec.examples:
            assert example.meaning.strip(), example.command
        declared = ((spec.default,) if spec.default else ()) + spec.subcommands
        for sub in declared:
            assert sub.summary.strip(), (spec.name, sub.name)
            assert sub.examples, f"`{spec.typed} {sub.name}` has no example"


@pytest.mark.parametrize("feature", _with_commands())
def test_every_example_parses(feature: Feature) -> None:
    """As a platform delivers it; an example may show another feature's command in use
    (`/vote new … for "Pricing"` under `/decision`), which must then parse as that one."""
    for _, example in _examples(feature):
        typed = Message(as_delivered(example.command), ADMIN, channel())
        spec, command = ROUTER.resolve(ROUTER.parse(typed))
        if spec.handler is not None:
            continue  # a hand-written dispatcher reads its own text
        chosen = choose(spec, command.text)
        assert chosen.sub is not None, f"{example.command!r} names no subcommand"
        read_args(spec, chosen.sub, chosen.rest)  # raises the person's error if it would


@pytest.mark.parametrize("feature", _with_commands())
async def test_help_lists_every_example(alignbot: AlignBot, feature: Feature) -> None:
    overview = render(await ask(alignbot, "/alignbot help"))
    everything = render(await ask(alignbot, "/alignbot help all"))
    for spec in feature.commands:
        if spec.name == "help":
            continue  # help's own examples are the overview's last line
        assert spec.typed in overview, spec.name
        details = render(await ask(alignbot, f"/alignbot help {spec.name}"))
        for example in spec.examples:
            assert example.command in details, (spec.name, example.command)
            assert example.command in everything, example.command


@pytest.mark.parametrize("feature", _with_commands())
async def test_what_the_examples_produce_renders_on_slack_and_teams(
    alignbot: AlignBot, messenger: RecordingMessenger, feature: Feature
) -> None:
    """Each example run as an admin in an empty workspace: forms it opens, replies it gives
    (refusals included) and posts it makes, rendered by both adapters."""
    outcomes: list[Outcome] = []
    for _, example in _examples(feature):
        outcomes.append(await ask(alignbot, as_delivered(example.command), ADMIN))
    forms = [outcome for outcome in outcomes if isinstance(outcome, Form)]
    replies = [outcome for outcome in outcomes if isinstance(outcome, Reply)]
    replies += [posted.reply for posted in messenger.posts]
    assert replies or forms
    for reply in replies:
        assert_reply_fits(reply)
    for form in forms:
        assert form.form_id in ROUTER.forms, f"no feature takes {form.form_id} back"
        assert_form_fits(form)
