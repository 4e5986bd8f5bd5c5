"""The console as a newcomer uses it: buttons on any message, forms that can be left, admins
that are not everyone, pasted blocks, compact RICE ballots and posts above the prompt."""

from __future__ import annotations

import io
from pathlib import Path

from adapters.local.terminal import Terminal
from bot.app import AlignBot
from tests.local.console import converse, new_vote, run_cli

# deadline date, time, words, anonymous, hidden, voters, picks, dots, decision, additions, repeat
NO_DEADLINE_OR_OPTIONS = [""] * 11


async def test_a_number_presses_that_button_on_any_message(alignbot: AlignBot) -> None:
    out, _ = await converse(
        alignbot,
        [
            "1",
            *new_vote(["Alpha", "Beta"]),
            *NO_DEADLINE_OR_OPTIONS,
            "who owns design",
            "1",  # the vote's menu, although the RACI answer came after it
            "2",
            ":as ben",
            "1",
            "1",
            "9",
        ],
    )
    assert "There is no button 1 yet" in out
    assert "I don't know the command" not in out
    assert "[1] Vote for…" in out
    assert "[2] " in out  # the RACI answer's buttons continue the numbering
    assert "1 voted" in out
    assert "2 voted" in out
    assert "There is no button 9; the buttons so far are 1 to" in out


async def test_cancel_leaves_a_form_and_saves_nothing(alignbot: AlignBot) -> None:
    out, _ = await converse(alignbot, ["/vote new", "Which first?", ":cancel", "/vote list"])
    assert "Form cancelled; nothing was saved." in out
    assert "Which first?" not in out.split("Form cancelled")[1]


async def test_people_met_with_as_are_not_admins_until_admin(alignbot: AlignBot) -> None:
    out, _ = await converse(alignbot, [":as ben", "/digest send", ":admin", "/digest send"])
    refused, allowed = out.split("@ben is now an admin")
    assert "You are now @ben, not an admin" in refused
    assert "Only workspace admins can send the digest by hand." in refused
    assert "Only workspace admins" not in allowed


async def test_a_pasted_block_is_one_message(alignbot: AlignBot) -> None:
    out, _ = await converse(
        alignbot,
        [
            ":paste",
            "/vote new from csv",
            "title,points",
            "Alpha,3",
            "Beta,5",
            ":end",
            "Which?",
            ":cancel",
        ],
    )
    assert "== New backlog vote ==" in out
    assert "Alpha\nBeta" in out  # the items field offers the pasted rows to keep


async def test_a_bad_date_and_a_bad_time_are_each_asked_again(alignbot: AlignBot) -> None:
    out, _ = await converse(
        alignbot,
        [
            *new_vote(["Alpha", "Beta"]),
            "2026-13-45",
            "2026-12-24",
            "25:99",
            "4:30 pm",
            *[""] * 9,
        ],
    )
    assert "Use a date like 2026-12-24" in out
    assert "Use a time like 09:30" in out
    assert "Vote 1 is open" in out
    assert "16:30" in out  # a time typed as people say it is read as the picker would send


async def test_a_refused_multiline_field_keeps_what_was_typed(alignbot: AlignBot) -> None:
    out, _ = await converse(
        alignbot,
        [*new_vote(["Only this one"]), *NO_DEADLINE_OR_OPTIONS, "Only this one", "Beta", "."],
    )
    refusal = out.split("  ! ", 1)[1]
    assert "[a '.' on its own keeps:]\nOnly this one" in refusal
    assert "Vote 1 is open" in out


async def test_a_24_item_rice_ballot_is_one_line_per_item(alignbot: AlignBot) -> None:
    items = [f"Item {n}" for n in range(1, 25)]
    out, script = await converse(
        alignbot,
        [
            *new_vote(items, "6"),
            *NO_DEADLINE_OR_OPTIONS,
            "1",
            *[f"{100 + n} 2 80 1" for n in range(23)],
            "oops 2 80",
            "50 massive 50 2",
            "50 3 50 2",
        ],
    )
    assert "One line per item: Reach, Impact (0.25/0.5/1/2/3), Confidence %, Effort" in out
    assert "Give 4 values in this order" in out
    assert "Impact (0.25/0.5/1/2/3): “massive” is not one of the choices." in out
    assert "1 voted" in out
    assert not script.lines  # every line was read: one per item, where there were 96 prompts


def test_a_post_arriving_while_typing_prints_above_the_prompt() -> None:
    out = io.StringIO()
    terminal = Terminal(out, str, typed_so_far=lambda: "/who ow")
    terminal.prompt = "ana@#general> "
    terminal.announce("[direct message to @ana, message 4]\nTime for your stand-up")
    assert out.getvalue() == (
        "\r\x1b[K[direct message to @ana, message 4]\nTime for your stand-up\nana@#general> /who ow"
    )


def test_quitting_at_once_prints_no_scheduler_traceback(tmp_path: Path) -> None:
    result = run_cli(["chat", "--user", "ana"], ":quit\n", tmp_path)
    assert result.returncode == 0
    assert "Traceback" not in result.stderr
    assert "ERROR" not in result.stderr


async def test_the_console_adds_an_option_with_the_message_s_numbered_button(
    alignbot: AlignBot,
) -> None:
    before_additions = [""] * 9  # deadline date, time, words, anonymous, …, decision
    out, _ = await converse(
        alignbot,
        [
            *new_vote(["Alpha", "Beta"]),
            *before_additions,
            "2",  # voters may add options: Yes
            "",  # repeat: no
            "2",  # the vote's "Add an option" button
            "Gamma",
            "3",  # the redrawn vote's menu
            "3",  # Gamma
        ],
    )
    assert "[2] Add an option" in out
    assert "Added “Gamma” to vote 1 as option 3" in out
    assert "Added by voters: 3. Gamma (@ana)" in out
    assert "Leading: Gamma" in out
