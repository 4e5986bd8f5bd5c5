"""What the console says for each field of a form: its label, whether it is optional, its
numbered choices and its hint, all in one prompt, as the form-field table builds it."""

from __future__ import annotations

from adapters.local.forms import FormFiller
from bot.replies import Form, Input, InputKind, Option


class Script:
    """A screen that answers each prompt in turn and keeps everything said and asked."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.lines: list[str] = []

    def say(self, text: str) -> None:
        self.lines.append(text)

    async def ask(self, prompt: str) -> str | None:
        self.lines.append(prompt)
        return self.answers.pop(0) if self.answers else None


async def test_each_field_s_label_optional_marker_choices_and_hint_are_in_its_prompt() -> None:
    form = Form(
        "f",
        "Plan",
        (
            Input("topic", "Topic", placeholder="never shown", initial="Roadmap"),
            Input(
                "when",
                "When",
                InputKind.MULTI_SELECT,
                required=False,
                hint="any number",
                options=(Option("Morning", "am"), Option("Evening", "pm")),
            ),
        ),
    )
    screen = Script(["", "2, 1"])
    values = await FormFiller(form, screen).ask()
    assert values == {"topic": "Roadmap", "when": ["pm", "am"]}
    assert screen.lines[0].startswith("== Plan ==")
    assert "  Topic [Roadmap]: " in screen.lines
    assert "    1. Morning" in screen.lines
    assert "    2. Evening" in screen.lines
    assert "  When (optional) — numbers, comma-separated (any number): " in screen.lines
    assert not any("never shown" in line for line in screen.lines)
