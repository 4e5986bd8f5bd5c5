"""Operations: scheduled-run counters and queue depths at /metrics, the privacy and terms pages,
and the log format choice."""

from __future__ import annotations

import io
import json
import logging
import math
from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.server import build_web_app
from bot import deliveries, logs
from bot.app import AlignBot
from bot.claims import run_once
from bot.deliveries import Recipient, Topic
from bot.feature_settings import FeatureSettings
from bot.features.privacy.settings import PrivacySettings
from bot.replies import reply, text
from bot.settings import Settings
from storage.db import Database
from tests.support.metrics import scrape, value

RUNS = "alignbot_scheduled_runs_total"


def served(
    bot: AlignBot, settings: Settings | None = None
) -> TestClient[web.Request, web.Application]:
    return TestClient(TestServer(build_web_app(bot, settings or bot.ctx.settings)))


async def test_scheduled_runs_are_counted_by_job_and_outcome(alignbot: AlignBot) -> None:
    ran: list[str] = []

    async def work() -> None:
        ran.append("once")

    async def broken() -> None:
        raise RuntimeError("the job broke")

    ctx = alignbot.ctx
    assert await run_once(ctx, "digest:7:2026-W48", work)
    assert not await run_once(ctx, "digest:7:2026-W48", work)  # done already: skipped
    with pytest.raises(RuntimeError):
        await run_once(ctx, "vote.close:3", broken)
    async with served(alignbot) as client:
        samples = await scrape(client.session, str(client.make_url("")).rstrip("/"))
    assert ran == ["once"]
    assert value(samples, RUNS, job="digest", outcome="claimed") == 1
    assert value(samples, RUNS, job="digest", outcome="ran") == 1
    assert value(samples, RUNS, job="digest", outcome="skipped") == 1
    assert value(samples, RUNS, job="vote.close", outcome="claimed") == 1
    assert value(samples, RUNS, job="vote.close", outcome="failed") == 1
    assert value(samples, RUNS, job="vote.close", outcome="ran") == 0


async def _nothing_more(*_: object) -> None:
    return None


async def test_inbox_and_outbox_depth_are_read_at_scrape_time(alignbot: AlignBot) -> None:
    ctx = alignbot.ctx
    await alignbot.inbox.admit("slack:event:Ev1", "slack", "event", {"event_id": "Ev1"})
    topic = deliveries.register(Topic("test.broadcast", render=_nothing_more))
    people = [Recipient("local", "person", user) for user in ("U1", "U2", "U3")]
    async with ctx.db.transaction() as session:
        batch = await deliveries.queue(session, ctx, topic, "s1", "W1", people)
    async with served(alignbot) as client:
        base = str(client.make_url("")).rstrip("/")
        waiting = await scrape(client.session, base)
        await deliveries.deliver(ctx, batch, reply(text("hello")))
        await alignbot.inbox.finish("slack:event:Ev1")
        drained = await scrape(client.session, base)
    assert value(waiting, "alignbot_inbox_depth") == 1
    assert value(waiting, "alignbot_outbox_depth") == 3
    assert value(drained, "alignbot_inbox_depth") == 0
    assert value(drained, "alignbot_outbox_depth") == 0
    assert value(drained, RUNS, job="outbox", outcome="claimed") == 1
    assert value(drained, RUNS, job="outbox", outcome="ran") == 1


async def test_a_scrape_without_a_database_still_answers_with_unknown_depths(
    alignbot: AlignBot,
) -> None:
    nowhere = Database("postgresql+asyncpg://postgres@127.0.0.1:9/none")  # nothing listens on 9
    down = AlignBot(replace(alignbot.ctx, db=nowhere), alignbot.features)
    try:
        async with served(down) as client:
            samples = await scrape(client.session, str(client.make_url("")).rstrip("/"))
    finally:
        await nowhere.dispose()
    assert math.isnan(value(samples, "alignbot_inbox_depth"))
    assert math.isnan(value(samples, "alignbot_outbox_depth"))


async def test_each_bot_has_its_own_registry(alignbot: AlignBot) -> None:
    other = AlignBot(replace(alignbot.ctx, metrics=type(alignbot.metrics)()), alignbot.features)
    await run_once(alignbot.ctx, "digest:1:w", _nothing_more)
    async with served(other) as client:
        samples = await scrape(client.session, str(client.make_url("")).rstrip("/"))
    assert value(samples, RUNS, job="digest") == 0


# The privacy and terms pages ------------------------------------------------------------------


def words(html: str) -> str:
    """The page with its line breaks and indentation as single spaces."""
    return " ".join(html.split())


async def test_privacy_and_terms_pages_name_the_operator(alignbot: AlignBot) -> None:
    settings = alignbot.ctx.settings.model_copy(
        update={"operator_name": "Acme <Product> Ops", "operator_contact": "privacy@acme.example"}
    )
    async with served(alignbot, settings) as client:
        privacy = await client.get("/privacy")
        terms = await client.get("/terms")
        assert privacy.status == terms.status == 200
        assert privacy.content_type == "text/html"
        page, rules = words(await privacy.text()), words(await terms.text())
    for html in (page, rules):
        assert "Acme &lt;Product&gt; Ops" in html  # escaped, never markup
        assert "privacy@acme.example" in html
    assert "/alignbot my data" in page
    assert "/alignbot forget @person" in page
    assert "for one day" in page  # the inbox keeps each request that long
    assert "sets no retention limit" in page
    assert "deleted 7 days later" in page  # ALIGNBOT_UNINSTALL_GRACE_DAYS
    assert "MIT License" in rules
    assert 'href="/privacy"' in rules


async def test_the_privacy_page_states_the_configured_retention(
    alignbot: AlignBot,
) -> None:
    alignbot.ctx.feature_settings = FeatureSettings([PrivacySettings(retention_days=90)])
    async with served(alignbot) as client:
        page = words(await (await client.get("/privacy")).text())
    assert "more than 90 days ago" in page
    assert "They have not published a contact" in page


# Log format -------------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_logs_are_text_on_a_terminal_and_json_otherwise() -> None:
    record = logging.LogRecord("alignbot", logging.INFO, __file__, 1, "hello %s", ("ana",), None)
    piped = io.StringIO()
    with logs.bound(event_id="Ev9", workspace="T1"):
        for stream in (Terminal(), piped):
            logs.handler("auto", stream).handle(record)
    line = json.loads(piped.getvalue())
    assert line["message"] == "hello ana"
    assert (line["event_id"], line["workspace"], line["level"]) == ("Ev9", "T1", "INFO")
    assert line["replica"]
    assert line["time"]
    forced = Terminal()
    logs.handler("json", forced).handle(record)
    assert json.loads(forced.getvalue())["message"] == "hello ana"
    text_stream = Terminal()
    logs.handler("auto", text_stream).handle(record)
    assert text_stream.getvalue().rstrip().endswith("INFO alignbot [-]: hello ana")
