"""The rendering corpus: what the features say at their largest (50 items with long names, 24
RICE items, every method, long insights), driven through the core as people would, rendered
by both adapters and checked against each platform's own limits: Slack's through slack_sdk's
block and view models, Teams' through the activity size budget and its action limit (the
checks in `tests/conformance/platforms.py`). A new reply or form that breaks a limit fails here."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.teams import kept_forms
from bot.app import AlignBot
from bot.events import Action, Event, Submission
from bot.features.votes.ballots import IMPACTS
from bot.features.votes.forms import MAX_ITEMS, MAX_RICE_ITEMS
from bot.features.votes.tally import Method
from bot.replies import Form, Outcome, Reply
from tests.conformance.platforms import assert_form_fits, assert_reply_fits
from tests.conftest import ask, channel, person
from tests.support.recording import RecordingMessenger

LONG = "w" * 120
VOTERS = [person(f"U{k}", f"Voter {k} {LONG[:40]}") for k in range(1, 6)]


class Corpus:
    """Every reply and form the bot produced: answers, posts and updates."""

    def __init__(self, bot: AlignBot, messenger: RecordingMessenger) -> None:
        self.bot = bot
        self.messenger = messenger
        self.answers: list[Outcome] = []
        handle = bot.handle

        async def recording(event: Event) -> Outcome:
            outcome = await handle(event)
            self.answers.append(outcome)
            return outcome

        bot.handle = recording  # type: ignore[method-assign]

    def replies(self) -> list[Reply]:
        said = [o for o in self.answers if isinstance(o, Reply)]
        return (
            said + [p.reply for p in self.messenger.posts] + [r for _, r in self.messenger.updates]
        )

    def forms(self) -> list[Form]:
        return [o for o in self.answers if isinstance(o, Form)]


def ballot_values(method: Method, n: int, voter: int) -> dict[str, Any]:
    if method is Method.SINGLE:
        return {"choice": str(voter % n)}
    if method is Method.MULTI:
        return {"choices": [str(i) for i in range(voter % 3 + 1)]}
    if method is Method.DOT:
        return {f"dots_{i}": "1" if i == voter else "0" for i in range(n)}
    if method is Method.RANKED:
        return {"order": ", ".join(str((voter * 7 + j) % n + 1) for j in range(n))}
    if method is Method.MOSCOW:
        return {f"item_{i}": "MSCW"[(i + voter) % 4] for i in range(n)}
    values: dict[str, Any] = {}
    for i in range(n):
        values |= {
            f"reach_{i}": str(1000 * voter + i),
            f"impact_{i}": f"{IMPACTS[(i + voter) % 5]:g}",
            f"confidence_{i}": str(10 * voter + 40),
            f"effort_{i}": str(0.5 + i % 7),
        }
    return values


async def drive_votes(bot: AlignBot, corpus: Corpus) -> None:
    for number, method in enumerate(Method, start=1):
        n = MAX_RICE_ITEMS if method is Method.RICE else MAX_ITEMS
        items = "\n".join(f"{i + 1:02d} {LONG} {method.value} item {i}"[:150] for i in range(n))
        form = await ask(bot, f"/vote new {'Which one matters most? ' * 12}"[:300])
        assert isinstance(form, Form)
        values = {
            "question": "Which one matters most? " * 12,
            "items": items,
            "method": method.value,
            "max_choices": "3",
            "dots": "5",
        }
        await bot.handle(Submission(form.form_id, values, person(), channel(), form.metadata))
        for voter, who in enumerate(VOTERS):
            opened = await bot.handle(Action("vote.open", str(number), who, channel()))
            assert isinstance(opened, Form), opened
            answer = await bot.handle(
                Submission(
                    opened.form_id, ballot_values(method, n, voter), who, channel(), opened.metadata
                )
            )
            assert isinstance(answer, Reply), answer
        for line in (f"/vote results {number}", f"/vote export {number}"):
            await ask(bot, line)
        await ask(bot, f"/vote close {number}")
    await ask(bot, "/vote list")
    titles = "\n".join(["title", *(f"{LONG} imported {i}" for i in range(60))])
    await ask(bot, f"/vote new from csv\n{titles}")


async def drive_insights(bot: AlignBot) -> None:
    form = await ask(bot, "/insight new")
    assert isinstance(form, Form)
    values = {
        "title": "t" * 150,
        "finding": "f" * 3000,
        "evidence": "\n".join(f"https://example.test/{i}/{'e' * 80}" for i in range(30))[:3000],
        "study": "s" * 200,
        "method": "interview",
        "participants": "1000000",
        "confidence": "high",
        "tags": " ".join(f"tag{i}-{'g' * 30}" for i in range(20)),
        "items": "\n".join(f"Backlog item {i:02d} " + "z" * 184 for i in range(20)),
        "visibility": "public",
        "channels": "",
        "people": [],
    }
    await bot.handle(Submission(form.form_id, values, person(), channel(), form.metadata))
    for line in ("/insight edit 1", "/insight status 1", "/insight search tag1", "/insight list"):
        await ask(bot, line)


async def drive_the_rest(bot: AlignBot) -> None:
    for line in ("/alignbot help", "/alignbot help all", "/raci show", "/raci check", "/role list"):
        await ask(bot, line)
    await ask(bot, f"/standup setup {'Design ' * 10}"[:80])


@pytest.fixture
async def corpus(alignbot: AlignBot, messenger: RecordingMessenger) -> Corpus:
    collected = Corpus(alignbot, messenger)
    await drive_votes(alignbot, collected)
    await drive_insights(alignbot)
    await drive_the_rest(alignbot)
    return collected


async def test_every_reply_fits_slack_and_teams(corpus: Corpus) -> None:
    replies = corpus.replies()
    assert len(replies) > 60
    for reply in replies:
        assert_reply_fits(reply)


async def test_every_form_fits_a_slack_modal_and_teams_dialog_pages(corpus: Corpus) -> None:
    forms = corpus.forms()
    assert {f.form_id for f in forms} >= {"vote.new", "vote.ballot", "insight.new", "insight.edit"}
    for form in forms:
        assert_form_fits(form)


async def test_the_corpus_covers_every_method_at_its_largest(corpus: Corpus) -> None:
    ballots = [f for f in corpus.forms() if f.form_id == "vote.ballot"]
    assert len(ballots) == len(Method) * len(VOTERS)
    biggest = max(len(json.dumps(kept_forms.form_to_data(f))) for f in ballots)
    assert biggest > 20_000  # the largest ballots are really in the corpus
