"""A test-only feature that opens the sample forms and keeps what comes back.

`formcheck <kind>` opens `everything_form(kind)`; `formcheck all` one input of every kind, each
with every field set; `formcheck long` a text longer than one input holds, spread over
continued inputs (`bot.limits.text_inputs`); `formcheck huge` one too long for one Teams dialog
card, so it comes in pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from bot.context import Context
from bot.events import Command, Submission
from bot.feature import CommandSpec, Feature
from bot.limits import text_inputs
from bot.replies import Form, InputKind, Outcome, say
from tests.forms.samples import everything_form

LONG_ID = "samples.long"
# Five paragraphs of 900 characters: more than one input's 3,000, so it takes two.
PARAGRAPHS = tuple(f"{number} " + "word " * 179 + "end." for number in range(5))
HUGE = tuple(f"{number} " + "word " * 179 + "end." for number in range(40))


def all_kinds_form() -> Form:
    inputs = tuple(everything_form(kind).inputs[0] for kind in InputKind)
    return Form("samples.everything", "Every kind", inputs, metadata="m-all")


def long_form(paragraphs: tuple[str, ...] = PARAGRAPHS) -> Form:
    return Form(LONG_ID, "Long text", text_inputs("story", "Story", paragraphs), metadata="m-long")


def sample_form(word: str) -> Form:
    if word == "all":
        return all_kinds_form()
    if word == "long":
        return long_form()
    if word == "huge":
        return long_form(HUGE)
    return replace(everything_form(InputKind(word)), metadata=f"m-{word}")


@dataclass
class Received:
    submissions: list[Submission] = field(default_factory=list)


def formcheck_feature(received: Received) -> Feature:
    async def open_form(command: Command, ctx: Context) -> Outcome:
        return sample_form(command.text.strip())

    async def submitted(submission: Submission, ctx: Context) -> Outcome:
        received.submissions.append(submission)
        return say("Received.")

    return Feature(
        name="formcheck",
        commands=(CommandSpec("formcheck", "opens a sample form", open_form),),
        forms={"samples.everything": submitted, LONG_ID: submitted},
    )
