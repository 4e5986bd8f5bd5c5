"""The Block Kit renderer: escaping, every block kind, Slack's limits, modals and their values."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack import blocks as bk
from bot.replies import (
    Actions,
    Bar,
    Bars,
    Bold,
    Button,
    ButtonStyle,
    Code,
    Divider,
    Field,
    Fields,
    Form,
    Heading,
    Input,
    InputKind,
    Italic,
    Mention,
    Option,
    Preformatted,
    Reply,
    Select,
    SmallPrint,
    Text,
    fields,
    reply,
    small_print,
    text,
)

INJECTIONS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U1>",
    "<@U1|boss>",
    "<#C1|general>",
    "<https://evil.example|click me>",
    "<mailto:a@b.c|mail>",
    "&lt;!channel&gt;",
    "<!subteam^S1>",
    "<!date^1392734382^{date}|x>",
]


def mrkdwn_texts(rendered: Any) -> list[str]:
    """Every mrkdwn string anywhere in a rendered payload (where Slack parses `<...>`)."""
    found: list[str] = []
    if isinstance(rendered, dict):
        if rendered.get("type") == "mrkdwn":
            found.append(rendered["text"])
        for value in rendered.values():
            found.extend(mrkdwn_texts(value))
    elif isinstance(rendered, list):
        for item in rendered:
            found.extend(mrkdwn_texts(item))
    return found


@pytest.mark.parametrize("evil", INJECTIONS)
def test_user_text_can_never_mention_link_or_notify(evil: str) -> None:
    answer = reply(
        Heading(evil),
        text("said: ", evil, Bold(evil), Italic(evil), Code(evil)),
        small_print(evil),
        fields((evil, evil)),
        Bars((Bar(evil, 3),), title=evil),
        Preformatted(evil),
        Actions((Button(evil, "x.y", evil), Select("x.z", evil, (Option(evil, "v"),)))),
    )
    payload = bk.message(answer)
    for value in [*mrkdwn_texts(payload["blocks"]), payload["text"]]:
        assert "<" not in value, value
        assert ">" not in value, value
    assert payload["text"] == bk.escape(evil)


@given(st.text())
def test_any_user_text_is_inert_in_mrkdwn(user: str) -> None:
    payload = bk.message(reply(text(user, Bold(user)), small_print(user), fields((user, user))))
    for value in [*mrkdwn_texts(payload["blocks"]), payload["text"]]:
        assert "<" not in value
        assert ">" not in value
        unescaped = value.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")
        assert "&" not in unescaped


def test_escape_the_three_characters() -> None:
    assert bk.escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"


def test_spans() -> None:
    rendered = bk.mrkdwn(
        ["Hi ", Mention("U123ABC", "Ana"), ", ", Bold(" owner "), Italic("now"), Code("a`b")]
    )
    assert rendered == "Hi <@U123ABC>,  *owner* _now_`aˋb`"


def test_mention_of_an_id_slack_cannot_parse_is_plain_text() -> None:
    assert bk.span(Mention("29:teams-id>", "Ana")) == "@Ana"
    assert bk.span(Mention("<!channel>")) == "@&lt;!channel&gt;"


def test_empty_formatting_renders_no_stray_markers() -> None:
    assert bk.mrkdwn([Bold(""), Code(""), Italic("  ")]) == "  "


def test_each_block_kind() -> None:
    rendered = bk.render_blocks(
        reply(
            Heading("Title"),
            text("Body"),
            SmallPrint((Italic("small"),)),
            Divider(),
            Fields((Field("Owner", (Mention("U1"),)),)),
            Bars((Bar("Yes", 2), Bar("No", 1)), title="Votes", width=4),
            Preformatted("a,b\n1,2"),
        )
    )
    assert [b["type"] for b in rendered] == [
        "header",
        "section",
        "context",
        "divider",
        "section",
        "section",
        "section",
    ]
    assert rendered[0]["text"] == {"type": "plain_text", "text": "Title", "emoji": True}
    assert rendered[4]["fields"] == [{"type": "mrkdwn", "text": "*Owner*\n<@U1>", "verbatim": True}]
    assert rendered[5]["text"]["text"] == "*Votes*\n```\nYes ████ 2\nNo  ██░░ 1\n```"
    assert rendered[6]["text"]["text"] == "```\na,b\n1,2\n```"


def test_buttons_and_menus() -> None:
    (block,) = bk.render_blocks(
        reply(
            Actions(
                (
                    Button("Yes", "vote.cast", "1", ButtonStyle.PRIMARY),
                    Button("No", "vote.cast", "2", ButtonStyle.DANGER),
                    Button("Later", "vote.later"),
                    Select("vote.pick", "Pick one", (Option("A", "a"),)),
                    Select("vote.empty", "Nothing", ()),
                )
            )
        )
    )
    yes, no, later, menu = block["elements"]
    assert (yes["action_id"], yes["value"], yes["style"]) == ("vote.cast", "1", "primary")
    assert (no["action_id"], no["style"]) == ("vote.cast::2", "danger")
    assert "value" not in later
    assert "style" not in later
    assert menu["type"] == "static_select"
    assert menu["options"] == [
        {"text": {"type": "plain_text", "text": "A", "emoji": True}, "value": "a"}
    ]
    assert bk.core_action_id("vote.cast::2") == "vote.cast"


def test_slack_limits_are_respected() -> None:
    long = "x" * 5000
    answer = reply(
        Heading(long),
        Text((long,)),
        Actions((Button(long, "a.b", long), Select("a.c", long, (Option(long, long),)))),
        Fields(tuple(Field(f"L{i}", (long,)) for i in range(23))),
    )
    rendered = bk.render_blocks(answer)
    header, section, rest, actions, *field_sections = rendered
    assert len(header["text"]["text"]) == 150
    assert header["text"]["text"].endswith("…")
    # An overlong paragraph is split over sections, not cut.
    assert section["text"]["text"] + rest["text"]["text"] == long
    assert len(section["text"]["text"]) == 3000
    button, menu = actions["elements"]
    assert len(button["text"]["text"]) == 75
    assert len(button["value"]) == 2000
    assert len(menu["placeholder"]["text"]) == 150
    assert len(menu["options"][0]["value"]) == 150
    assert [len(s["fields"]) for s in field_sections] == [10, 10, 3]
    assert all(len(f["text"]) <= 2000 for s in field_sections for f in s["fields"])


def test_long_text_is_split_at_line_breaks_not_cut() -> None:
    lines = [f"line {i} " + "y" * 90 for i in range(80)]
    rendered = bk.render_blocks(reply(text("\n".join(lines))))
    assert len(rendered) > 1
    assert all(len(b["text"]["text"]) <= 3000 for b in rendered)
    assert "\n".join(b["text"]["text"] for b in rendered) == "\n".join(lines)


def test_clipping_never_splits_an_entity() -> None:
    clipped = bk.clip("a" * 2996 + "&amp;bbbb", 3000)
    assert clipped == "a" * 2996 + "…"


def test_long_preformatted_keeps_every_section_fenced() -> None:
    rendered = bk.render_blocks(reply(Preformatted("\n".join("r" * 100 for _ in range(100)))))
    assert len(rendered) >= 4
    for block in rendered:
        body = block["text"]["text"]
        assert body.startswith("```\n")
        assert body.endswith("\n```")
        assert len(body) <= 3000


def test_at_most_fifty_blocks_with_a_note() -> None:
    rendered = bk.render_blocks(reply(*(Divider() for _ in range(70))))
    assert len(rendered) == 50
    assert rendered[-1]["type"] == "context"
    note = rendered[-1]["elements"][0]["text"]
    assert note == "… 21 more blocks not shown: Slack shows at most 50 in one place."


def test_fallback_text_is_the_escaped_first_line() -> None:
    assert bk.message(reply(Heading("A & B")))["text"] == "A &amp; B"
    assert bk.message(reply(Divider()))["text"] == "alignbot"


def test_empty_blocks_are_dropped() -> None:
    assert bk.render_blocks(reply(Heading("  "), text(), SmallPrint(()), Bars(()))) == []


# Modals -----------------------------------------------------------------------------------

FORM = Form(
    "insight.new",
    "Share a research insight with the team",
    (
        Input("title", "Title", placeholder="One line", max_length=150, initial="Draft"),
        Input("body", "What did you learn?", InputKind.MULTILINE, hint="Be <b>specific</b>"),
        Input(
            "area",
            "Area",
            InputKind.SELECT,
            options=(Option("Onboarding", "onb"), Option("Checkout", "chk")),
            initial="chk",
        ),
        Input(
            "tags",
            "Tags",
            InputKind.MULTI_SELECT,
            required=False,
            options=(Option("a", "a"), Option("b", "b")),
            initial=("a", "b"),
        ),
        Input("points", "Points", InputKind.NUMBER, min_value=1, max_value=13),
        Input("ratio", "Ratio", InputKind.NUMBER, required=False, min_value=0.5),
        Input("when", "When", InputKind.DATE, initial="2026-12-01"),
        Input("at", "At", InputKind.TIME, initial="09:30"),
        Input("who", "Who", InputKind.USERS, initial=("U1", "U2")),
        Input("where", "Where", InputKind.CHANNEL, required=False),
        Input("ask", "Ask", InputKind.SELECT, options=()),
    ),
    submit_label="Share",
    metadata="team=7",
    intro=("Shared with ", Bold("everyone"), " <!here>"),
)


def elements(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}


def test_modal_shape() -> None:
    view = bk.modal(FORM, '{"form":"insight.new"}')
    assert view["type"] == "modal"
    assert view["callback_id"] == "insight.new"
    assert view["title"]["text"] == "Share a research insigh…"
    assert len(view["title"]["text"]) == 24
    assert view["submit"]["text"] == "Share"
    assert view["private_metadata"] == '{"form":"insight.new"}'
    assert view["blocks"][0]["text"]["text"] == "Shared with *everyone* &lt;!here&gt;"
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert inputs["tags"]["optional"] is True
    assert inputs["title"]["optional"] is False
    assert inputs["body"]["hint"]["text"] == "Be <b>specific</b>"
    assert all(b["element"]["action_id"] == name for name, b in inputs.items())


def test_modal_inputs_for_every_kind() -> None:
    found = elements(bk.modal(FORM, "{}"))
    assert found["title"] == {
        "type": "plain_text_input",
        "multiline": False,
        "max_length": 150,
        "initial_value": "Draft",
        "action_id": "title",
        "placeholder": {"type": "plain_text", "text": "One line", "emoji": True},
    }
    assert found["body"]["multiline"] is True
    assert found["area"]["initial_option"]["value"] == "chk"
    assert [o["value"] for o in found["tags"]["initial_options"]] == ["a", "b"]
    assert found["points"] == {
        "type": "number_input",
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": "13",
        "action_id": "points",
    }
    assert found["ratio"]["is_decimal_allowed"] is True
    assert found["when"] == {
        "type": "datepicker",
        "initial_date": "2026-12-01",
        "action_id": "when",
    }
    assert found["at"] == {"type": "timepicker", "initial_time": "09:30", "action_id": "at"}
    assert found["who"] == {
        "type": "multi_users_select",
        "initial_users": ["U1", "U2"],
        "action_id": "who",
    }
    assert found["where"]["type"] == "conversations_select"
    assert found["where"]["default_to_current_conversation"] is True
    assert found["ask"]["type"] == "plain_text_input"


def test_submitted_values_by_input_name() -> None:
    state: dict[str, dict[str, Any]] = {
        "title": {"title": {"type": "plain_text_input", "value": "Hi"}},
        "body": {"body": {"type": "plain_text_input", "value": None}},
        "area": {"area": {"type": "static_select", "selected_option": {"value": "chk"}}},
        "none": {"none": {"type": "static_select", "selected_option": None}},
        "tags": {"tags": {"type": "multi_static_select", "selected_options": [{"value": "a"}]}},
        "points": {"points": {"type": "number_input", "value": "5"}},
        "when": {"when": {"type": "datepicker", "selected_date": "2026-12-01"}},
        "at": {"at": {"type": "timepicker", "selected_time": "09:30"}},
        "who": {"who": {"type": "multi_users_select", "selected_users": ["U1"]}},
        "where": {"where": {"type": "conversations_select", "selected_conversation": "C9"}},
    }
    assert bk.form_values(state) == {
        "title": "Hi",
        "body": None,
        "area": "chk",
        "none": None,
        "tags": ["a"],
        "points": "5",
        "when": "2026-12-01",
        "at": "09:30",
        "who": ["U1"],
        "where": "C9",
    }


def test_errors_only_on_existing_inputs() -> None:
    shown = bk.modal_errors({"title": "Too short.", "form": "Try again."}, ["title", "body"])
    assert shown == {"title": "Too short. Try again."}
    assert bk.modal_errors({"x": "bad"}, []) == {"x": "bad"}


def test_payload_is_json_serialisable() -> None:
    json.dumps(bk.modal(FORM, "{}"))
    json.dumps(bk.message(reply(text("x"))))
    assert isinstance(bk.message(Reply(())), dict)


def test_every_mrkdwn_object_is_verbatim_so_bare_urls_and_at_channel_stay_text() -> None:
    shown = reply(
        text("see https://evil.example @channel #general"),
        small_print("ctx https://evil.example"),
        fields(("Note", "@here")),
    )
    payload = json.dumps(bk.message(shown)["blocks"])
    objects = re.findall(r'\{"type": "mrkdwn"[^{}]*\}', payload)
    assert len(objects) == 3
    assert all('"verbatim": true' in obj for obj in objects)
