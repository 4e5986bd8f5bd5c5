"""The playground's HTTP side without a browser: what each person sees, buttons and forms
mapped back by the server, live posts, the clock jump, and refusals of forged calls."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from adapters.local import demo
from adapters.local.web.form_html import form_html
from adapters.local.web.html import reply_html
from adapters.local.web.playground import PLATFORM, Playground, PlaygroundClock
from adapters.local.web.server import build_app
from bot.app import AlignBot
from bot.context import Context
from bot.ports import MessengerHub
from bot.replies import Form, Input, InputKind, Option, reply, text
from bot.scheduler import Scheduler
from bot.settings import Settings
from storage.db import Database

MONDAY_MORNING = datetime(2030, 1, 7, 6, 0, tzinfo=UTC)


@pytest.fixture
async def client(sqlite_db: Database, settings: Settings) -> AsyncIterator[TestClient[Any, Any]]:
    clock = PlaygroundClock()
    clock.move_to(MONDAY_MORNING)
    bot = AlignBot(Context(db=sqlite_db, messenger=MessengerHub(), clock=clock, settings=settings))
    playground = Playground(bot, Scheduler(bot.ctx, bot.features), clock)
    bot.messenger.connect(PLATFORM, playground)
    await demo.populate(bot, lambda line: None)
    async with TestClient(TestServer(build_app(playground))) as test_client:
        yield test_client


async def state(client: TestClient[Any, Any], person: str) -> dict[str, Any]:
    response = await client.get("/api/state", params={"as": person})
    assert response.status == 200
    result: dict[str, Any] = await response.json()
    return result


async def call(client: TestClient[Any, Any], path: str, **body: Any) -> dict[str, Any]:
    response = await client.post(path, json=body)
    result: dict[str, Any] = await response.json()
    assert response.status == 200, result
    return result


def find(messages: list[dict[str, Any]], words: str) -> dict[str, Any]:
    return next(m for m in reversed(messages) if words in m["html"] + m["text"])


async def test_only_the_demo_admin_is_an_admin(client: TestClient[Any, Any]) -> None:
    shown = await state(client, "ben")
    assert {p["id"]: p["admin"] for p in shown["people"]} == {
        "ana": True,
        "ben": False,
        "cleo": False,
        "dev": False,
        "eli": False,
        "fay": False,
    }
    assert "Which epic do we take next quarter?" in find(shown["messages"], "Which epic")["html"]


async def test_a_form_refuses_inline_then_posts_and_a_button_updates_in_place(
    client: TestClient[Any, Any],
) -> None:
    opened = await call(
        client, "/api/say", **{"as": "ana", "conversation": "general"}, text="/vote new"
    )
    token = opened["form"]["token"]
    refused = await call(client, "/api/submit", token=token, values={"question": ""})
    assert set(refused["errors"]) >= {"question"}
    values = {"question": "<b>Tea</b> or coffee?", "items": "Tea\nCoffee", "method": "multi"}
    assert await call(client, "/api/submit", token=token, values=values) == {}
    poll = find((await state(client, "ben"))["messages"], "or coffee?")
    assert "&lt;b&gt;Tea&lt;/b&gt; or coffee?" in poll["html"]

    ballot = await call(client, "/api/press", **{"as": "ben"}, message=poll["id"], control=0)
    voted = {"choices": ["1"]}
    assert await call(client, "/api/submit", token=ballot["form"]["token"], values=voted) == {}
    updated = find((await state(client, "cleo"))["messages"], "or coffee?")
    assert updated["id"] == poll["id"]
    assert updated["edited"]
    assert "1 voted" in updated["html"]


async def test_private_answers_and_direct_messages_reach_only_their_person(
    client: TestClient[Any, Any],
) -> None:
    async with client.ws_connect("/api/live", params={"as": "ben"}) as bens_page:
        await call(
            client, "/api/say", **{"as": "ana", "conversation": "general"}, text="/role list"
        )
        await call(client, "/api/say", **{"as": "ana", "conversation": "general"}, text="hello all")
        pushed = await bens_page.receive_json(timeout=5)
    assert pushed["message"]["text"] == "hello all"  # not ana's private /role list or its answer
    assert not any("/role list" in m["text"] for m in (await state(client, "ben"))["messages"])
    refused = await client.post(
        "/api/say", json={"as": "ben", "conversation": "dm-ana", "text": "hi"}
    )
    assert refused.status == 400


async def test_the_clock_jumps_to_the_next_prompt_and_runs_the_jobs_then(
    client: TestClient[Any, Any],
) -> None:
    jumped = await call(client, "/api/clock", jump="next")
    assert jumped["note"] == "2 new posts: @ana (direct), @eli (direct)."  # 09:30 in Berlin
    moved = datetime.fromisoformat(jumped["now"])
    assert moved.replace(second=0, microsecond=0) == datetime(2030, 1, 7, 8, 30, tzinfo=UTC)
    anas = (await state(client, "ana"))["messages"]
    assert any(m["conversation"] == "dm-ana" and "Checkout" in m["html"] for m in anas)
    assert not any(m["conversation"] == "dm-eli" for m in anas)
    hour = await call(client, "/api/clock", jump="hour")
    assert datetime.fromisoformat(hour["now"]) - moved >= timedelta(minutes=59)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/press", {"as": "ana", "message": "nope", "control": 0}),
        ("/api/press", {"as": "ana", "message": "x", "control": "0"}),
        ("/api/submit", {"token": "forged", "values": {}}),
        ("/api/say", {"as": "<script>", "conversation": "general", "text": "hi"}),
        ("/api/say", {"as": "ana", "conversation": "general", "text": 3}),
        ("/api/clock", {"jump": "year"}),
    ],
)
async def test_forged_or_malformed_calls_get_a_friendly_400(
    client: TestClient[Any, Any], path: str, body: dict[str, Any]
) -> None:
    response = await client.post(path, json=body)
    assert response.status == 400
    assert (await response.json())["error"]


async def test_a_forged_control_number_presses_nothing(client: TestClient[Any, Any]) -> None:
    poll = find((await state(client, "ben"))["messages"], "Which epic")
    response = await client.post(
        "/api/press", json={"as": "ben", "message": poll["id"], "control": 7}
    )
    assert response.status == 400


async def test_other_sites_pages_cannot_call_it(client: TestClient[Any, Any]) -> None:
    response = await client.post(
        "/api/say",
        json={"as": "ana", "conversation": "general", "text": "/digest send"},
        headers={"Origin": "http://evil.example"},
    )
    assert response.status == 403
    bad_json = await client.post("/api/say", data="{", headers={"Content-Type": "text/plain"})
    assert bad_json.status == 400


def test_every_text_is_escaped_in_replies_and_forms() -> None:
    html = reply_html(reply(text("<img src=x onerror=alert(1)> & co")))
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; co" in html
    form = Form(
        "f",
        '<b>"Title"</b>',
        (
            Input("a", "<i>label</i>", initial='"><script>'),
            Input("b", "Pick", InputKind.SELECT, options=(Option("<x>", '"v'),)),
        ),
    )
    rendered = form_html(form)
    assert "<script>" not in rendered
    assert "<b>" not in rendered
    assert 'value="&quot;&gt;&lt;script&gt;"' in rendered
    assert 'value="&quot;v"' in rendered
