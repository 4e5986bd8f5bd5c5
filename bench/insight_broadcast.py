"""Broadcast time of one research insight to N subscribed Slack channels.

Runs the real path end to end: the core handles the `/insight new` form submission, stores the
insight, and posts through the real Slack messenger (slack_sdk `AsyncWebClient`, as
adapters/slack builds it) to the fake Slack Web API on 127.0.0.1. Then one person presses
"Will act", which rewrites every posted copy with the new tally (N `chat.update` calls).
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime

from adapters.slack.messenger import SlackMessenger, SlackWebApi, web_client
from bench import Result
from bench._fakes.slack import TEAM, FakeSlack
from bot.app import AlignBot
from bot.context import Context
from bot.events import Action, Actor, Conversation, Submission
from bot.features.insights.forms import FORM_NEW, FormState
from bot.metrics import Metrics
from bot.ports import MessengerHub, SystemClock
from bot.replies import Reply
from bot.settings import Settings
from storage.db import Database
from storage.repositories import insights as repo
from storage.repositories.insights import SubscriptionTarget

NAME = "insight_broadcast"
AUTHOR = Actor("slack", TEAM, "UAUTHOR", "Rita Researcher")
READER = Actor("slack", TEAM, "UREADER", "Bo Stakeholder")


async def _subscribe(db: Database, channels: int) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as session:
        for number in range(channels):
            target = SubscriptionTarget(
                TEAM, "slack", "channel", f"C{number:05d}", f"team-{number}"
            )
            await repo.subscribe(session, target, ["onboarding", "checkout"], by="UADMIN", now=now)


def _submission() -> Submission:
    values: dict[str, str | list[str] | None] = {
        "title": "Half of new users abandon sign-up at the email step",
        "finding": "Seven of twelve participants stopped when asked to confirm their email.",
        "evidence": "https://example.test/clip-3",
        "study": "Onboarding interviews",
        "method": "interview",
        "participants": "12",
        "confidence": "high",
        "tags": "onboarding checkout",
        "items": "Magic-link sign-in",
        "visibility": "public",
        "channels": "",
        "people": [],
    }
    origin = Conversation("slack", TEAM, "CORIGIN")
    return Submission(FORM_NEW, values, AUTHOR, origin, FormState("CORIGIN").encode())


async def _run(channels: int) -> list[Result]:
    fake = await FakeSlack().start()
    with tempfile.TemporaryDirectory() as scratch:
        db = Database(f"sqlite+aiosqlite:///{scratch}/bench.db")
        await db.upgrade()
        hub = MessengerHub()
        metrics = Metrics()
        client = web_client("xoxb-bench", fake.api_url, metrics)
        hub.connect("slack", SlackMessenger(SlackWebApi(client, metrics)))
        settings = Settings(_env_file=None, ALIGNBOT_ADMINS="")
        bot = AlignBot(Context(db=db, messenger=hub, clock=SystemClock(), settings=settings))
        try:
            await _subscribe(db, channels)
            started = time.perf_counter()
            confirmation = await bot.handle(_submission())
            broadcast = time.perf_counter() - started
            posted = len(fake.called("chat.postMessage"))
            if posted != channels or not isinstance(confirmation, Reply):
                raise RuntimeError(f"expected {channels} posts, the fake Slack saw {posted}")
            first = fake.called("chat.postMessage")[0]
            press = Action(
                "insight.act", "1", READER, Conversation("slack", TEAM, first["channel"])
            )
            started = time.perf_counter()
            await bot.handle(press)
            refresh = time.perf_counter() - started
            updated = len(fake.called("chat.update"))
        finally:
            await db.dispose()
            await fake.close()
    return [
        Result(NAME, f"broadcast to {channels} channels (s)", f"{broadcast:.2f}"),
        Result(NAME, "per channel (ms)", f"{1000 * broadcast / channels:.1f}"),
        Result(NAME, f"'Will act' updating {updated} copies (s)", f"{refresh:.2f}"),
    ]


async def measure(quick: bool) -> list[Result]:
    return await _run(50 if quick else 500)
