"""Rendering the reply tree to Adaptive Cards: every block, forms, and escaping of user text."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from adapters.teams import cards, kept_forms
from bot.replies import (
    Bar,
    Bars,
    Bold,
    Button,
    ButtonStyle,
    Code,
    Divider,
    Form,
    Heading,
    Input,
    InputKind,
    Italic,
    Mention,
    Option,
    Preformatted,
    Select,
    buttons,
    fields,
    reply,
    small_print,
    text,
)

SPECIAL = set("\\*_[]()<>#`~")


def _body(card: dict[str, Any]) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = card["body"]
    return body


def test_card_envelope_is_adaptive_card_1_5() -> None:
    card = cards.reply_card(reply(text("hi")))
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.5"
    assert card["$schema"] == cards.SCHEMA
    assert card["msteams"] == {"width": "Full"}


def test_heading_is_large_bolder_and_escaped() -> None:
    [heading] = _body(cards.reply_card(reply(Heading("Poll: *best* [idea]"))))
    assert heading["size"] == "Large"
    assert heading["weight"] == "Bolder"
    assert heading["text"] == r"Poll: \*best\* \[idea\]"


def test_text_formats_bot_spans_and_escapes_user_spans() -> None:
    block = text(
        "Owner of ", Bold("roadmap_v2"), " is ", Italic("pending"), ", run ", Code("who x")
    )
    [rendered] = _body(cards.reply_card(reply(block)))
    assert rendered["wrap"] is True
    assert rendered["text"] == r"Owner of **roadmap\_v2** is _pending_, run \`who x\`"


def test_user_text_cannot_inject_links_mentions_html_or_formatting() -> None:
    hostile = "[click](https://evil.example) <at>Boss</at> **bold** <b>x</b> # h ~~s~~ `c`"
    [rendered] = _body(cards.reply_card(reply(text(hostile))))
    out = rendered["text"]
    assert "](" not in out.replace(r"\]\(", "")
    assert "<at>" not in out
    assert "<b>" not in out
    assert "**" not in out.replace(r"\*\*", "")
    assert out.startswith(r"\[click\]\(https://evil.example\)")


def test_leading_list_and_heading_markers_are_defused_on_every_line() -> None:
    out = cards.escape("- one\n2. two\n+ three\n# four")
    assert out.split("\n\n") == [r"\- one", r"2\. two", r"\+ three", r"\# four"]


@given(st.text(max_size=80))
def test_every_special_character_of_user_text_is_escaped(value: str) -> None:
    out = cards.escape(value)
    index = 0
    while index < len(out):
        char = out[index]
        if char == "\\":
            index += 2  # an escape pair: backslash plus the escaped character
            continue
        assert char not in SPECIAL, f"unescaped {char!r} in {out!r}"
        index += 1


@given(st.text(max_size=60))
def test_escaped_text_keeps_every_visible_character(value: str) -> None:
    out = cards.escape(value).replace("\n\n", "\n")
    unescaped = re.sub(r"\\(.)", r"\1", out)
    assert unescaped == value.replace("\r\n", "\n")


def test_code_spans_cannot_be_closed_early() -> None:
    assert cards.spans_markdown([Code("a`b")]) == r"\`a'b\`"


def test_mentions_become_teams_mention_entities() -> None:
    card = cards.reply_card(reply(text("Ask ", Mention("aad-ada", "Ada <L>"), " now")))
    assert _body(card)[0]["text"] == r"Ask <at>Ada L</at> now"
    assert card["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Ada L</at>",
            "mentioned": {"id": "aad-ada", "name": "Ada L"},
        }
    ]


def test_mention_without_name_uses_the_id_and_repeats_are_one_entity() -> None:
    card = cards.reply_card(reply(text(Mention("aad-1"), Mention("aad-1"))))
    assert _body(card)[0]["text"] == "<at>aad-1</at><at>aad-1</at>"
    assert len(card["msteams"]["entities"]) == 1


def test_context_is_small_and_subtle() -> None:
    [block] = _body(cards.reply_card(reply(small_print("posted by ", Bold("Ada")))))
    assert block["size"] == "Small"
    assert block["isSubtle"] is True
    assert block["text"] == "posted by **Ada**"


def test_fields_become_a_fact_set_with_mentions_in_bold() -> None:
    block = fields(("Owner", [Mention("aad-1", "Ada")]), ("Due_date", "2026-12-01"))
    [facts] = _body(cards.reply_card(reply(block)))
    assert facts == {
        "type": "FactSet",
        "facts": [
            {"title": "Owner", "value": "**Ada**"},
            {"title": r"Due\_date", "value": "2026-12-01"},
        ],
    }


def test_bars_are_monospace_lines_with_spaces_kept() -> None:
    chart = Bars((Bar("Checkout", 3), Bar("Search", 1)), title="Votes", width=4)
    title, *lines = _body(cards.reply_card(reply(chart)))
    assert title["text"] == "Votes"
    assert [line["fontType"] for line in lines] == ["Monospace", "Monospace"]
    assert lines[0]["text"] == "Checkout ████ 3".replace(" ", cards.NBSP)
    assert lines[1]["text"].startswith("Search" + cards.NBSP * 3)
    assert lines[1]["spacing"] == "None"


def test_preformatted_is_monospace_and_escaped() -> None:
    lines = _body(cards.reply_card(reply(Preformatted("a,b\n*x*,[y]"))))
    assert [line["text"] for line in lines] == ["a,b", r"\*x\*,\[y\]"]
    assert all(line["fontType"] == "Monospace" for line in lines)


def test_buttons_are_submit_actions_with_our_payload_and_styles() -> None:
    block = buttons(
        Button("Yes", "vote.cast", "1", ButtonStyle.PRIMARY),
        Button("Delete", "vote.delete", "1", ButtonStyle.DANGER),
        Button("Later", "vote.later"),
    )
    [action_set] = _body(cards.reply_card(reply(block)))
    assert action_set["type"] == "ActionSet"
    yes, delete, later = action_set["actions"]
    assert yes == {
        "type": "Action.Submit",
        "title": "Yes",
        "data": {"alignbot_action": "vote.cast", "value": "1"},
        "style": "positive",
        "associatedInputs": "none",
    }
    assert delete["style"] == "destructive"
    assert "style" not in later


def test_select_is_a_dropdown_with_its_own_submit() -> None:
    pick = Select("vote.pick", "Pick one", (Option("A", "a"), Option("B", "b")))
    block = buttons(Button("Go", "x.go"), pick, Button("Stop", "x.stop"))
    go, dropdown, choose, stop = _body(cards.reply_card(reply(block)))
    assert go["actions"][0]["title"] == "Go"
    assert dropdown == {
        "type": "Input.ChoiceSet",
        "id": "alignbot_select_1",
        "style": "compact",
        "placeholder": "Pick one",
        "choices": [{"title": "A", "value": "a"}, {"title": "B", "value": "b"}],
    }
    assert choose["actions"][0]["data"] == {
        "alignbot_action": "vote.pick",
        "alignbot_select": "alignbot_select_1",
    }
    assert stop["actions"][0]["title"] == "Stop"


def test_divider_separates_the_next_block_only() -> None:
    body = _body(cards.reply_card(reply(Divider(), text("a"), Divider(), text("b"), Divider())))
    assert "separator" not in body[0]
    assert body[1]["separator"] is True
    assert len(body) == 2


def test_an_empty_reply_still_renders_its_fallback() -> None:
    assert _body(cards.reply_card(reply()))[0]["text"] == "alignbot"


def test_cards_are_json_serialisable() -> None:
    card = cards.reply_card(reply(Heading("h"), text("t", Mention("u", "n")), Divider()))
    assert json.loads(json.dumps(card)) == card


# Forms --------------------------------------------------------------------------------------

FORM = Form(
    form_id="insight.new",
    title="Share an insight",
    inputs=(
        Input("title", "Title", max_length=80, placeholder="One line"),
        Input("detail", "Detail", InputKind.MULTILINE, required=False, hint="Markdown *not* used"),
        Input("tag", "Tag", InputKind.SELECT, options=(Option("UX", "ux"),)),
        Input("tags", "Tags", InputKind.MULTI_SELECT, options=(Option("A", "a"), Option("B", "b"))),
        Input("count", "Count", InputKind.NUMBER, min_value=1, max_value=9, initial="3"),
        Input("day", "Day", InputKind.DATE, initial="2026-12-01"),
        Input("at", "At", InputKind.TIME, initial="09:30"),
        Input("who", "People", InputKind.USERS, initial=("aad-ada",)),
        Input("where", "Channel", InputKind.CHANNEL),
    ),
    submit_label="Share",
    metadata="team=7",
    intro=("For ", Bold("research"), " findings"),
)


def _inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {element["id"]: element for element in card["body"] if "id" in element}


SUBMIT = [cards.dialog_action("Share", {"alignbot_dialog": "t" * 43})]


def test_form_card_has_a_title_intro_and_only_the_given_actions() -> None:
    card = cards.form_card(FORM, SUBMIT)
    assert card["body"][0]["text"] == "Share an insight"
    assert card["body"][1]["text"] == "For **research** findings"
    [submit] = card["actions"]
    assert submit["type"] == "Action.Submit"
    assert submit["title"] == "Share"
    assert submit["data"] == {"alignbot_dialog": "t" * 43}  # no copy of the form, no metadata
    assert "team=7" not in json.dumps(card)


def test_a_launcher_card_opens_the_form_in_a_dialog() -> None:
    card = cards.launcher_card(FORM, {"alignbot_dialog": "t" * 43})
    [button] = card["actions"]
    assert button["data"] == {"alignbot_dialog": "t" * 43, "msteams": {"type": "task/fetch"}}
    assert "team=7" not in json.dumps(card)


def test_form_inputs_map_to_adaptive_card_inputs() -> None:
    inputs = _inputs(cards.form_card(FORM, SUBMIT))
    assert inputs["title"] == {
        "id": "title",
        "label": "Title",
        "isRequired": True,
        "errorMessage": "Title is required.",
        "type": "Input.Text",
        "placeholder": "One line",
        "maxLength": 80,
    }
    assert inputs["detail"]["isMultiline"] is True
    assert inputs["detail"]["isRequired"] is False
    assert "errorMessage" not in inputs["detail"]
    assert inputs["tag"]["type"] == "Input.ChoiceSet"
    assert inputs["tag"]["style"] == "compact"
    assert inputs["tag"]["isMultiSelect"] is False
    assert inputs["tags"]["isMultiSelect"] is True
    assert inputs["count"] == {
        **inputs["count"],
        "type": "Input.Number",
        "min": 1,
        "max": 9,
        "value": 3,
    }
    assert inputs["day"]["type"] == "Input.Date"
    assert inputs["day"]["value"] == "2026-12-01"
    assert inputs["at"]["type"] == "Input.Time"
    assert inputs["at"]["value"] == "09:30"
    assert inputs["where"]["type"] == "Input.Text"
    assert "link" in inputs["where"]["placeholder"]


def test_people_input_is_the_teams_people_picker_with_known_names() -> None:
    picker = _inputs(cards.form_card(FORM, SUBMIT, names={"aad-ada": "Ada Lovelace"}))["who"]
    assert picker["type"] == "Input.ChoiceSet"
    assert picker["isMultiSelect"] is True
    assert picker["choices.data"] == {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}
    assert picker["choices"] == [{"title": "Ada Lovelace", "value": "aad-ada"}]
    assert picker["value"] == "aad-ada"


def test_hints_are_small_print_under_their_input() -> None:
    body = cards.form_card(FORM, SUBMIT)["body"]
    position = next(i for i, e in enumerate(body) if e.get("id") == "detail")
    assert body[position + 1]["text"] == r"Markdown \*not\* used"
    assert body[position + 1]["isSubtle"] is True


def test_refused_form_shows_errors_beside_inputs_and_keeps_typed_values() -> None:
    typed: dict[str, str | list[str] | None] = {
        "title": "Checkout drop-off",
        "tags": ["a", "b"],
        "count": "12",
    }
    card = cards.form_card(
        FORM, SUBMIT, errors={"count": "At most 9.", "zzz": "Try later."}, values=typed
    )
    body = card["body"]
    inputs = _inputs(card)
    assert inputs["title"]["value"] == "Checkout drop-off"
    assert inputs["tags"]["value"] == "a,b"
    assert inputs["count"]["value"] == 12
    position = next(i for i, e in enumerate(body) if e.get("id") == "count")
    assert body[position + 1] == {
        "type": "TextBlock",
        "text": "⚠ At most 9.",
        "color": "Attention",
        "wrap": True,
        "spacing": "None",
    }
    assert any(e.get("text") == "⚠ Try later." for e in body[:4])


def test_a_form_survives_the_round_trip_through_card_data() -> None:
    data = json.loads(json.dumps(kept_forms.form_to_data(FORM)))
    assert kept_forms.form_from_data(data) == FORM


def test_mention_and_code_spans_survive_the_round_trip() -> None:
    form = Form(
        "x.y", "T", (Input("a", "A"),), intro=(Mention("u1", "Ann"), Code("c"), Italic("i"))
    )
    assert kept_forms.form_from_data(kept_forms.form_to_data(form)) == form


# Size limits ----------------------------------------------------------------------------------


def test_a_small_reply_is_one_card() -> None:
    small = reply(text("hi"))
    assert cards.reply_cards(small) == [cards.reply_card(small)]


def test_a_long_reply_is_split_into_cards_under_the_budget_in_order() -> None:
    lines = [f"row {i:04},value,{'x' * 40}" for i in range(800)]
    parts = cards.reply_cards(reply(Heading("Export"), Preformatted("\n".join(lines))))
    assert len(parts) > 1
    assert all(len(json.dumps(card, ensure_ascii=False).encode()) <= 24_000 for card in parts)
    texts = [block["text"] for card in parts for block in card["body"]]
    assert texts[0] == "Export"
    assert [t.replace(cards.NBSP, " ") for t in texts[1:]] == lines


def test_one_huge_paragraph_is_cut_without_breaking_escapes() -> None:
    hostile = "*_" * 30_000
    parts = cards.reply_cards(reply(text(hostile)), budget=20_000)
    pieces = [block["text"] for card in parts for block in card["body"]]
    assert len(pieces) > 2
    assert "".join(pieces) == cards.escape(hostile)
    for piece in pieces:
        trailing = len(piece) - len(piece.rstrip("\\"))
        assert trailing % 2 == 0


def test_mention_entities_go_with_the_card_that_shows_them() -> None:
    filler = [text("y" * 5_000) for _ in range(6)]
    parts = cards.reply_cards(reply(text(Mention("u1", "Ann")), *filler, text(Mention("u2", "Bo"))))
    first, last = parts[0], parts[-1]
    assert [e["mentioned"]["id"] for e in first["msteams"]["entities"]] == ["u1"]
    assert [e["mentioned"]["id"] for e in last["msteams"]["entities"]] == ["u2"]


def test_a_single_card_says_when_it_was_shortened() -> None:
    big = reply(*[text("z" * 5_000) for _ in range(10)])
    card = cards.single_card(big)
    assert card["body"][-1]["text"] == cards.escape(cards.SHORTENED)
    assert cards.single_card(reply(text("short")))["body"][-1]["text"] == "short"


def test_user_text_quoted_in_code_cannot_become_a_link() -> None:
    hostile = Code('/raci add "[win](https://evil.example) <at>Boss</at>"')
    [rendered] = _body(cards.reply_card(reply(text(hostile))))
    out = rendered["text"]
    assert "](" not in out.replace(r"\]\(", "")
    assert r"\[win\]\(https://evil.example\)" in out
    assert "<at>" not in out
