"""Importers against a fake GitHub / Jira on 127.0.0.1: items, auth, and every failure mode."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

from bot.app import AlignBot
from bot.errors import UserError
from bot.feature_settings import FeatureSettings
from bot.features.votes import importers
from bot.features.votes.settings import VoteSettings
from bot.replies import Form
from tests.conftest import ask
from tests.unit.votes.support import text_of


@dataclass
class FakeTrackers:
    url: str = ""
    requests: list[web.Request] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)


def _issues(count: int) -> list[dict[str, object]]:
    return [{"number": n, "title": f"Issue {n}"} for n in range(1, count + 1)]


@pytest.fixture
async def trackers() -> AsyncIterator[FakeTrackers]:
    fake = FakeTrackers()

    async def github(request: web.Request) -> web.StreamResponse:
        fake.requests.append(request)
        repo = request.match_info["repo"]
        if repo == "private":
            return web.json_response({"message": "Bad credentials"}, status=401)
        if repo == "missing":
            return web.json_response({"message": "Not Found"}, status=404)
        if repo == "broken":
            return web.Response(status=502, text="bad gateway")
        if repo == "html":
            return web.Response(text="<html>login</html>", content_type="text/html")
        if repo == "slow":
            await fake.release.wait()
        if repo == "big":
            return web.json_response(_issues(73))
        pull = {"number": 9, "title": "A pull request", "pull_request": {"url": "x"}}
        return web.json_response([*_issues(2), pull])

    async def jira(request: web.Request) -> web.StreamResponse:
        fake.requests.append(request)
        if request.query.get("jql") == "bad jql":
            return web.json_response({"errorMessages": ["bad"]}, status=400)
        issues = [
            {"key": "APP-1", "fields": {"summary": "Export to PDF"}},
            {"key": "APP-2", "fields": {"summary": "Single sign-on"}},
        ]
        return web.json_response({"issues": issues, "total": 2})

    app = web.Application()
    app.router.add_get("/repos/acme/{repo}/issues", github)
    app.router.add_get("/rest/api/2/search", jira)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    fake.url = f"http://127.0.0.1:{port}"
    yield fake
    fake.release.set()
    await runner.cleanup()


def _settings(fake: FakeTrackers, **extra: object) -> VoteSettings:
    values: dict[str, Any] = {
        "ALIGNBOT_GITHUB_API_URL": fake.url,
        "ALIGNBOT_GITHUB_TOKEN": "gh-secret",
        "ALIGNBOT_JIRA_URL": fake.url,
        "ALIGNBOT_JIRA_TOKEN": "jira-secret",
        "ALIGNBOT_IMPORT_TIMEOUT": 0.3,
    }
    values.update(extra)
    return VoteSettings(_env_file=None, **values)


async def test_github_issues_become_items_without_pull_requests(trackers: FakeTrackers) -> None:
    items = await importers.from_github(_settings(trackers), "acme/app", "ux,bug")
    assert items == ["#1 Issue 1", "#2 Issue 2"]
    request = trackers.requests[-1]
    assert request.query["state"] == "open"
    assert request.query["labels"] == "ux,bug"
    assert request.headers["Authorization"] == "Bearer gh-secret"


async def test_jira_search_results_become_items(trackers: FakeTrackers) -> None:
    items = await importers.from_jira(_settings(trackers), "project = APP")
    assert items == ["APP-1 Export to PDF", "APP-2 Single sign-on"]
    assert trackers.requests[-1].query["jql"] == "project = APP"
    assert trackers.requests[-1].headers["Authorization"] == "Bearer jira-secret"


@pytest.mark.parametrize(
    ("repo", "message"),
    [
        ("acme/private", "refused access (401)"),
        ("acme/missing", "doesn't exist (404)"),
        ("acme/broken", "had a problem (502)"),
        ("acme/html", "isn't JSON"),
        ("acme/slow", "didn't answer within 0.3 s"),
    ],
)
async def test_github_failures_become_friendly_messages(
    trackers: FakeTrackers, repo: str, message: str
) -> None:
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        await importers.from_github(_settings(trackers), repo)


async def test_an_unreachable_tracker_is_explained() -> None:
    fake = FakeTrackers(url="http://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(UserError, match="couldn't reach GitHub"):
        await importers.from_github(_settings(fake), "acme/app")


async def test_jira_needs_its_address_and_a_valid_query(trackers: FakeTrackers) -> None:
    with pytest.raises(UserError, match="ALIGNBOT_JIRA_URL"):
        await importers.from_jira(_settings(trackers, ALIGNBOT_JIRA_URL=None), "project = APP")
    with pytest.raises(UserError, match="check the query"):
        await importers.from_jira(_settings(trackers), "bad jql")


def test_csv_uses_the_title_column_and_key_when_there_is_a_header() -> None:
    pasted = 'key,title,points\nAPP-1,"Search, but faster",3\nAPP-2,Onboarding,5\n,,\n'
    assert importers.from_csv(pasted) == ["APP-1 Search, but faster", "APP-2 Onboarding"]
    assert importers.from_csv("Search\nOnboarding\n\nBilling") == [
        "Search",
        "Onboarding",
        "Billing",
    ]


async def test_commands_open_the_form_prefilled(alignbot: AlignBot, trackers: FakeTrackers) -> None:
    alignbot.ctx.feature_settings = FeatureSettings([_settings(trackers)])
    github = await ask(alignbot, "/vote new from github acme/app bug ux")
    assert isinstance(github, Form)
    assert github.inputs[1].initial == "#1 Issue 1\n#2 Issue 2"
    assert trackers.requests[-1].query["labels"] == "bug,ux"
    await ask(alignbot, "/vote new from github acme/app good first issue, ux")
    assert trackers.requests[-1].query["labels"] == "good first issue,ux"
    jira = await ask(alignbot, "/vote new from jira project = APP AND status = Open")
    assert isinstance(jira, Form)
    assert jira.inputs[1].initial == "APP-1 Export to PDF\nAPP-2 Single sign-on"
    csv = await ask(alignbot, "/vote new from csv\ntitle\nSearch\nBilling")
    assert isinstance(csv, Form)
    assert csv.inputs[1].initial == "Search\nBilling"
    big = await ask(alignbot, "/vote new from github acme/big")
    assert isinstance(big, Form)
    assert "first 50 of 73" in str(big.intro)
    refused = await ask(alignbot, "/vote new from github acme/private")
    assert "refused access (401)" in text_of(refused)
