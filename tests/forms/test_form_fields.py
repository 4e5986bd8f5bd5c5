"""Adapters handle every field of the core form model: a forgotten one fails, never vanishes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import pytest
from slack_sdk.models.views import View

from adapters.form_fields import UnhandledFormField, handles_every_field
from adapters.slack import blocks as bk
from adapters.slack import translate
from adapters.teams import cards, dialogs, kept_forms
from bot.events import Conversation
from bot.replies import Form, Input, InputKind
from bot.server_key import ServerKey
from tests.forms.samples import everything_form, input_fields, plain_input, varied, varied_form


@pytest.mark.parametrize("kind", list(InputKind))
def test_a_teams_dialog_kept_on_the_server_keeps_every_field(kind: InputKind) -> None:
    form = everything_form(kind)
    kept = json.loads(json.dumps(kept_forms.form_to_data(form)))
    assert kept_forms.form_from_data(kept) == form
    assert set(kept) == {item.name for item in fields(Form)}
    assert set(kept["inputs"][0]) == set(input_fields())


def test_a_dialog_kept_before_a_field_existed_reads_it_as_the_default() -> None:
    form = everything_form(InputKind.TEXT)
    kept = kept_forms.form_to_data(form)
    del kept["inputs"][0]["hint"]
    assert kept_forms.form_from_data(kept).inputs[0].hint == ""


@dataclass(frozen=True)
class _Grown:
    name: str
    colour: str = ""


def test_a_table_missing_a_field_of_the_model_fails_loudly() -> None:
    with pytest.raises(UnhandledFormField, match=r"not handled: \['colour'\]"):
        handles_every_field(_Grown, {"name": str}, "somewhere")
    with pytest.raises(UnhandledFormField, match=r"not in the model: \['size'\]"):
        handles_every_field(_Grown, {"name": str, "colour": str, "size": int}, "somewhere")
    handles_every_field(_Grown, {"name": str, "colour": str}, "somewhere")


# Fields that mean something only for some kinds (the rest of `Input` applies to every kind).
APPLIES_TO = {
    "options": {InputKind.SELECT, InputKind.MULTI_SELECT},
    "max_length": {InputKind.TEXT, InputKind.MULTILINE, InputKind.CHANNEL},
    "min_value": {InputKind.NUMBER},
    "max_value": {InputKind.NUMBER},
}
# What a platform deliberately does not show, and why.
NOT_SHOWN = {
    "slack": {
        ("max_length", InputKind.CHANNEL): "a Slack channel is picked from a menu, not typed",
        ("placeholder", InputKind.CHANNEL): "the picker starts at the current conversation",
    },
    "teams": {
        ("placeholder", InputKind.DATE): "Teams' date picker shows the date format itself",
        ("placeholder", InputKind.TIME): "Teams' time picker shows the time format itself",
    },
}
RENDER: dict[str, Callable[[Input], Any]] = {
    "slack": bk.input_block,
    "teams": lambda item: cards.input_elements(item, item.initial, {}),
}


@pytest.mark.parametrize("platform", list(RENDER))
@pytest.mark.parametrize("kind", list(InputKind))
def test_every_field_of_every_kind_reaches_the_platform(platform: str, kind: InputKind) -> None:
    """Changing any field changes what the platform gets, unless it does not apply to the kind
    or the platform says here why it does not show it."""
    render = RENDER[platform]
    plain = plain_input(kind)
    for name in input_fields():
        shown = render(varied(plain, name)) != render(plain)
        expected = kind in APPLIES_TO.get(name, set(InputKind))
        expected = expected and (name, kind) not in NOT_SHOWN[platform]
        assert shown == expected, f"{platform}: Input.{name} on a {kind.value} input"


KEY = ServerKey.ephemeral()
WHERE = Conversation("slack", "T1", "C1", None, False)


def _slack_form(form: Form) -> Any:
    """The modal and, opened again, the sealed origin it carries back on submit."""
    view = bk.modal(form, translate.private_metadata(form, WHERE, "U1", KEY))
    return view | {"private_metadata": translate.origin(view, "U1", KEY)}


def _teams_form(form: Form) -> Any:
    """The dialog's card and the copy of the form the server keeps for it."""
    return dialogs.dialog_card(form, {}), kept_forms.form_to_data(form)


@pytest.mark.parametrize("render", [_slack_form, _teams_form])
def test_every_field_of_a_form_reaches_the_platform(render: Callable[[Form], Any]) -> None:
    form = everything_form(InputKind.TEXT)
    for item in fields(Form):
        assert render(varied_form(form, item.name)) != render(form), f"Form.{item.name}"


@pytest.mark.parametrize("kind", list(InputKind))
def test_slack_sdk_accepts_every_field_of_every_kind(kind: InputKind) -> None:
    """slack_sdk's own models validate each modal and know every attribute it holds."""
    plain = plain_input(kind)
    for item in [plain, *(varied(plain, name) for name in input_fields())]:
        view = bk.modal(Form("samples.one", "One", (item,)), "{}")
        parsed = View(**view)
        parsed.validate_json()
        assert parsed.to_dict()["blocks"] == view["blocks"], item
