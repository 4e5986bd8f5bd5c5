"""Adapters handle every field of the core form model: a forgotten one fails, never vanishes."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from adapters.form_fields import UnhandledFormField, handles_every_field
from adapters.teams import cards
from bot.replies import Form, InputKind
from tests.forms.samples import everything_form, input_fields


@pytest.mark.parametrize("kind", list(InputKind))
def test_a_teams_dialog_kept_on_the_server_keeps_every_field(kind: InputKind) -> None:
    form = everything_form(kind)
    kept = json.loads(json.dumps(cards.form_to_data(form)))
    assert cards.form_from_data(kept) == form
    assert set(kept["inputs"][0]) == set(input_fields())


def test_a_dialog_kept_before_a_field_existed_reads_it_as_the_default() -> None:
    form = everything_form(InputKind.TEXT)
    kept = cards.form_to_data(form)
    del kept["inputs"][0]["hint"]
    assert cards.form_from_data(kept).inputs[0].hint == ""


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
    handles_every_field(
        Form, {f: None for f in cards.form_to_data(everything_form(InputKind.TEXT))}, "x"
    )
