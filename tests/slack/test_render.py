"""Every outcome reaches Slack through `SlackRenderer.render`, and no adapter module but a
renderer decides by an outcome's kind: adding a platform means a translator and a renderer."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

import adapters
import adapters.slack.adapter as slack_adapter
from adapters.slack.render import SlackRenderer, Surface
from bot.app import AlignBot
from bot.events import Event
from bot.replies import Outcome
from tests.slack.harness import SlackHarness, initial_values

OUTCOME_KINDS = {"Reply", "Form", "FormErrors"}
ADAPTERS = Path(adapters.__file__).parent
# The modules that turn outcomes into platform calls, one per surface; `local/demo.py` seeds
# the playground through the core and only logs what came back.
RENDERERS = {
    "slack/render.py",
    "teams/render.py",
    "local/console_render.py",
    "local/web/render.py",
    "local/demo.py",
}
# What only the Slack renderer may call (answer views) and only its transport may send.
SLACK_ONLY = {"render.py": {"modal", "modal_errors"}, "delivery.py": {"respond", "ephemeral"}}


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Outcome], list[tuple[Outcome, str]]]:
    """What the core answered and what the renderer was given, in order."""
    handled: list[Outcome] = []
    rendered: list[tuple[Outcome, str]] = []
    handle, render = AlignBot.handle, SlackRenderer.render

    async def spy_handle(self: AlignBot, event: Event) -> Outcome:
        outcome = await handle(self, event)
        handled.append(outcome)
        return outcome

    async def spy_render(self: SlackRenderer, outcome: Outcome, where: Any, surface: Any) -> Any:
        rendered.append((outcome, surface))
        return await render(self, outcome, where, surface)

    monkeypatch.setattr(AlignBot, "handle", spy_handle)
    monkeypatch.setattr(SlackRenderer, "render", spy_render)
    return handled, rendered


async def test_every_outcome_goes_through_the_one_renderer(
    slack: SlackHarness,
    spied: tuple[list[Outcome], list[tuple[Outcome, str]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handled, rendered = spied
    fake = slack.fake
    await slack.command("/probe echo hi")  # a private Reply through the response_url
    await slack.command("/probe shout hi")  # a channel Reply with buttons
    await slack.settle()
    (shout,) = fake.called("chat.postMessage")
    await slack.click(shout, "probe.count")  # replace_original: the message is updated
    await slack.click(shout, "probe.pick", value="a")
    await slack.click(shout, "probe.open")  # a Form from a button: views.open
    await slack.settle()
    (opened,) = fake.called("views.open")
    view = opened["view"]
    refused = await slack.submit(view, {"title": "bad"})  # FormErrors in the ack
    again = await slack.submit(view, {"title": "again", "colour": "red"})  # the next page
    await slack.submit(view, {**initial_values(view), "title": "Launch"})  # posted after
    monkeypatch.setattr(slack_adapter, "SUBMISSION_BUDGET", 0.05)
    await slack.submit(view, {"title": "slow", "colour": "blue"})  # after the ack
    await slack.dm("probe form", event_id="Ev-form")  # no trigger: an "Open form" offer
    await slack.mention("probe nonsense", event_id="Ev-mention")  # a refusal, as a Reply
    await slack.settle()
    assert refused.json()["response_action"] == "errors"
    assert again.json()["response_action"] == "update"
    assert fake.called("chat.update"), "the button's message was not updated"
    assert {type(outcome).__name__ for outcome in handled} == OUTCOME_KINDS
    assert [id(outcome) for outcome, _ in rendered] == [id(outcome) for outcome in handled]
    assert {surface for _, surface in rendered} == set(Surface)


def _decides_by_kind(tree: ast.AST) -> list[int]:
    """Lines that branch on an outcome's kind: `case Reply()`, `isinstance(x, FormErrors)`."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.MatchClass) and _names(node.cls) & OUTCOME_KINDS:
            lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and len(node.args) == 2
            and _names(node.args[1]) & OUTCOME_KINDS
        ):
            lines.append(node.lineno)
    return lines


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def test_only_renderers_decide_what_an_outcome_becomes() -> None:
    offenders = {
        str(path.relative_to(ADAPTERS)): lines
        for path in sorted(ADAPTERS.rglob("*.py"))
        if str(path.relative_to(ADAPTERS)) not in RENDERERS
        and (lines := _decides_by_kind(ast.parse(path.read_text())))
    }
    assert offenders == {}, "outcomes rendered outside the renderers (module: lines)"


def _called(tree: ast.AST) -> set[str]:
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                called.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                called.add(node.func.attr)
    return called


def test_slack_modals_are_built_by_the_renderer_and_answers_sent_by_its_transport() -> None:
    for path in sorted((ADAPTERS / "slack").glob("*.py")):
        called = _called(ast.parse(path.read_text()))
        for owner, names in SLACK_ONLY.items():
            if path.name != owner:
                assert not called & names, f"{path.name} calls {called & names}, for {owner}"
