"""What the core checks and hands to features at start: dependencies and each one's settings."""

from __future__ import annotations

import pytest
import typer
from pydantic import Field
from pydantic_settings import BaseSettings

from adapters import cli
from adapters.local.render import render
from bot.app import AlignBot
from bot.context import Context
from bot.events import Command
from bot.feature import (
    CommandSpec,
    DependencyError,
    Feature,
    check_dependencies,
    discover_features,
)
from bot.feature_settings import FeatureSettings, feature_config
from bot.features.votes.settings import VoteSettings
from bot.replies import Outcome, Reply, say
from tests.conftest import ask


class GreeterSettings(BaseSettings):
    model_config = feature_config("greeter")

    word: str = "hello"


async def greet(command: Command, ctx: Context) -> Reply:
    return say(ctx.feature_settings.of(GreeterSettings).word)


GREETER = Feature(
    "greeter", commands=(CommandSpec("greet", "says hello", greet),), settings=GreeterSettings
)


def shown(outcome: Outcome) -> str:
    assert isinstance(outcome, Reply), outcome
    return render(outcome)


def test_a_missing_dependency_is_refused_in_one_line(alignbot: AlignBot) -> None:
    needy = Feature("digest", depends_on=("standups", "votes"))
    with pytest.raises(DependencyError) as refused:
        AlignBot(alignbot.ctx, [needy, Feature("votes")])
    assert str(refused.value) == (
        "feature 'digest' depends on 'standups', which this bot does not run"
    )


def test_a_dependency_cycle_is_refused_naming_it(alignbot: AlignBot) -> None:
    features = [
        Feature("a", depends_on=("b",)),
        Feature("b", depends_on=("c",)),
        Feature("c", depends_on=("a",)),
        Feature("d", depends_on=("a",)),
    ]
    with pytest.raises(DependencyError) as refused:
        AlignBot(alignbot.ctx, features)
    assert str(refused.value) == "features depend on each other in a cycle: a -> b -> c -> a"


def test_a_chain_of_dependencies_is_accepted(alignbot: AlignBot) -> None:
    features = [Feature("c"), Feature("a", depends_on=("b", "c")), Feature("b", depends_on=("c",))]
    assert [f.name for f in AlignBot(alignbot.ctx, features).features] == ["c", "a", "b"]


def test_every_shipped_feature_declares_dependencies_that_run() -> None:
    features = discover_features()
    assert next(f for f in features if f.name == "digest").depends_on
    check_dependencies(features)  # raises on a name that is not a feature, or a cycle


async def test_feature_settings_are_read_from_the_environment_once_at_start(
    alignbot: AlignBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALIGNBOT_GREETER_WORD", "salut")
    monkeypatch.setenv("ALIGNBOT_GITHUB_API_URL", "http://127.0.0.1:9/github")
    base = alignbot.ctx
    ctx = Context(base.db, base.messenger, base.clock, base.settings)
    bot = AlignBot(ctx, [GREETER, *discover_features()])
    monkeypatch.setenv("ALIGNBOT_GREETER_WORD", "hola")
    assert shown(await ask(bot, "/greet")) == "salut"
    assert ctx.feature_settings.of(VoteSettings).github_api_url == "http://127.0.0.1:9/github"


async def test_a_test_can_give_a_feature_its_settings(
    alignbot: AlignBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALIGNBOT_GREETER_WORD", "salut")
    given = FeatureSettings([GreeterSettings(word="bonjour")])
    ctx = Context(
        alignbot.ctx.db,
        alignbot.ctx.messenger,
        alignbot.ctx.clock,
        alignbot.ctx.settings,
        feature_settings=given,
    )
    assert shown(await ask(AlignBot(ctx, [GREETER]), "/greet")) == "bonjour"


def test_settings_no_feature_declares_are_not_handed_out(alignbot: AlignBot) -> None:
    class Undeclared(BaseSettings):
        level: int = Field(1)

    bot = AlignBot(alignbot.ctx, [GREETER])
    with pytest.raises(LookupError):
        bot.ctx.feature_settings.of(Undeclared)


def test_the_command_line_says_a_refused_start_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def start() -> None:
        check_dependencies([Feature("digest", depends_on=("votes",))])

    with pytest.raises(typer.Exit):
        cli._run(start())
    assert capsys.readouterr().err == (
        "alignbot: feature 'digest' depends on 'votes', which this bot does not run\n"
    )
