"""OAuth distribution through the real bolt app and HTTP server, against the fake Slack.

/slack/install (state cookie) → /slack/oauth_redirect → `oauth.v2.access` → the installation
stored encrypted → each workspace answered with its own token; token rotation; uninstall
stops posting at once and purges after the grace period.
"""

from __future__ import annotations

import json
import re

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text as sql

from adapters.slack.uninstall import purge_uninstalled
from bot import deliveries
from bot.events import Conversation
from bot.ports import Unreachable
from bot.replies import Reply, say
from bot.settings import Settings
from storage.models.core import ProductTeam
from tests.slack.harness import SECRET, SlackHarness
from tests.slack.probe import Seen
from tests.support.fake_slack import FakeSlack, default_user
from tests.support.recording import FakeClock

KEY = Fernet.generate_key().decode()
TOPIC = deliveries.register(deliveries.Topic("oauth-test", lambda ctx, row: _nothing()))
CLIENT = ("1111.2222", "client-secret")
STATE_COOKIE = "slack-app-oauth-state"


@pytest.fixture
def slack_settings(fake_slack: FakeSlack) -> Settings:
    fake_slack.client_credentials = CLIENT
    return Settings(
        _env_file=None,
        SLACK_CLIENT_ID=CLIENT[0],
        SLACK_CLIENT_SECRET=CLIENT[1],
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.api_url,
        SLACK_REDIRECT_URI="https://alignbot.example/slack/oauth_redirect",
        ALIGNBOT_ENCRYPTION_KEY=KEY,
        ALIGNBOT_ADMINS="",
    )


def base_url(slack: SlackHarness) -> str:
    return slack.url.removesuffix("/slack/events")


async def install(slack: SlackHarness, code: str, team: str, **grant: object) -> str:
    """A person installs alignbot: the install page, Slack's redirect back, the token."""
    token = slack.fake.offer_install(code, team, **grant)  # type: ignore[arg-type]
    async with slack.session.get(f"{base_url(slack)}/slack/install") as page:
        assert page.status == 200
        html = await page.text()
        cookie = page.cookies[STATE_COOKIE].value
    found = re.search(r"state=([\w-]+)", html)
    assert found is not None, html
    state = found.group(1)
    assert "client_id=1111.2222" in html
    assert "scope=commands" in html
    async with slack.session.get(
        f"{base_url(slack)}/slack/oauth_redirect",
        params={"code": code, "state": state},
        headers={"Cookie": f"{STATE_COOKIE}={cookie}"},
    ) as done:
        assert done.status == 200, await done.text()
    return token


async def stored_rows(slack: SlackHarness) -> list[dict[str, object]]:
    async with slack.bot.ctx.db.engine.connect() as connection:
        result = await connection.execute(sql("SELECT * FROM slack_installation"))
        return [dict(row._mapping) for row in result]


async def test_install_stores_the_token_encrypted(slack: SlackHarness) -> None:
    token = await install(slack, "code-1", "T1")

    access = slack.fake.called("oauth.v2.access")
    assert access[0]["code"] == "code-1"
    assert access[0]["redirect_uri"] == "https://alignbot.example/slack/oauth_redirect"
    [row] = await stored_rows(slack)
    assert (row["enterprise_id"], row["team_id"]) == ("", "T1")
    assert token not in json.dumps(row, default=str)
    assert Fernet(KEY.encode()).decrypt(str(row["bot_token_sealed"]).encode()).decode() == token


async def test_each_workspace_is_answered_with_its_own_token(slack: SlackHarness) -> None:
    first = await install(slack, "code-1", "T1")
    second = await install(slack, "code-2", "T2")

    assert (await slack.command("/probe shout from one", team="T1")).status == 200
    await slack.settle()
    assert (await slack.command("/probe shout from two", team="T2", channel="C2")).status == 200
    await slack.settle()

    posts = [c for c in slack.fake.calls if c.method == "chat.postMessage"]
    assert [(c.body["channel"], c.token) for c in posts] == [("C1", first), ("C2", second)]
    assert set(slack.fake.tokens_used("users.info")) == {first, second}


async def test_a_proactive_post_goes_out_with_the_workspace_token(slack: SlackHarness) -> None:
    await install(slack, "code-1", "T1")
    second = await install(slack, "code-2", "T2")

    await slack.bot.messenger.post(Conversation("slack", "T2", "C9"), say("scheduled"))

    assert slack.fake.tokens_used("chat.postMessage") == [second]


async def test_a_workspace_never_installed_gets_no_answer_and_no_post(
    slack: SlackHarness,
) -> None:
    await install(slack, "code-1", "T1")

    reply = await slack.command("/probe shout hello", team="T9")
    await slack.settle()

    assert reply.status == 200
    [(_, said)] = slack.fake.responses  # bolt's own "please install" through response_url
    assert "install" in said["text"].lower()
    assert slack.fake.called("chat.postMessage") == []


async def test_a_replayed_or_forged_state_is_refused(slack: SlackHarness) -> None:
    slack.fake.offer_install("code-1", "T1")
    async with slack.session.get(f"{base_url(slack)}/slack/install") as page:
        cookie = page.cookies[STATE_COOKIE].value
    headers = {"Cookie": f"{STATE_COOKIE}={cookie}"}
    redirect = f"{base_url(slack)}/slack/oauth_redirect"
    forged = {"code": "code-1", "state": "made-up"}
    async with slack.session.get(redirect, params=forged, headers=headers) as refused:
        assert refused.status in (400, 401)
    assert slack.fake.called("oauth.v2.access") == []
    assert await stored_rows(slack) == []


async def test_org_wide_install_answers_every_workspace_of_the_org(slack: SlackHarness) -> None:
    token = await install(slack, "code-org", "", enterprise_id="E1", org_wide=True)
    [row] = await stored_rows(slack)
    assert (row["enterprise_id"], row["team_id"], row["is_enterprise_install"]) == (
        "E1",
        "",
        True,
    )

    for team, channel in (("T5", "C5"), ("T6", "C6")):
        body = {"enterprise_id": "E1", "is_enterprise_install": "true"}
        reply = await slack.command("/probe shout hi", team=team, channel=channel, **body)
        assert reply.status == 200
        await slack.settle()
    assert slack.fake.tokens_used("chat.postMessage") == [token, token]

    # A scheduled post names only the workspace: the org it was seen in is remembered.
    await slack.bot.messenger.post(Conversation("slack", "T6", "C6"), say("scheduled"))
    assert slack.fake.tokens_used("chat.postMessage") == [token, token, token]


async def test_an_expiring_token_is_rotated_with_its_refresh_token(slack: SlackHarness) -> None:
    slack.fake.expires_in = 60  # inside the two hours before expiry: rotate at next use
    first = await install(slack, "code-1", "T1", rotating=True)

    await slack.bot.messenger.post(Conversation("slack", "T1", "C1"), say("one"))

    [refresh] = [c for c in slack.fake.calls if c.body.get("grant_type") == "refresh_token"]
    assert refresh.status == 200
    [row] = await stored_rows(slack)
    rotated = Fernet(KEY.encode()).decrypt(str(row["bot_token_sealed"]).encode()).decode()
    assert rotated != first
    assert rotated not in json.dumps(row, default=str)
    assert slack.fake.tokens_used("chat.postMessage") == [rotated]


async def test_a_fresh_token_is_not_rotated(slack: SlackHarness) -> None:
    first = await install(slack, "code-1", "T1", rotating=True)  # 12 hours left

    await slack.bot.messenger.post(Conversation("slack", "T1", "C1"), say("one"))

    assert [c for c in slack.fake.calls if c.body.get("grant_type")] == []
    assert slack.fake.tokens_used("chat.postMessage") == [first]


async def uninstall_event(slack: SlackHarness, team: str, kind: str, event_id: str) -> int:
    event: dict[str, object] = {"type": kind}
    if kind == "tokens_revoked":
        event["tokens"] = {"oauth": [], "bot": ["UBOT"]}
    reply = await slack.event(event, event_id=event_id, team=team)
    return reply.status


@pytest.mark.parametrize("kind", ["app_uninstalled", "tokens_revoked"])
async def test_uninstall_stops_posting_at_once(slack: SlackHarness, kind: str) -> None:
    await install(slack, "code-1", "T1")
    second = await install(slack, "code-2", "T2")

    assert await uninstall_event(slack, "T1", kind, "EvGone") == 200
    before = len(slack.fake.calls)

    with pytest.raises(Unreachable):
        await slack.bot.messenger.post(Conversation("slack", "T1", "C1"), say("too late"))
    await slack.command("/probe shout hello", team="T1")
    await slack.settle()
    assert [c.method for c in slack.fake.calls[before:]] == []

    await slack.bot.messenger.post(Conversation("slack", "T2", "C2"), say("still here"))
    assert slack.fake.tokens_used("chat.postMessage") == [second]


async def test_queued_broadcasts_to_an_uninstalled_workspace_give_up_at_once(
    slack: SlackHarness,
) -> None:
    """The outbox does not retry a workspace that removed the app (no five attempts)."""
    await install(slack, "code-1", "T1")
    second = await install(slack, "code-2", "T2")
    assert await uninstall_event(slack, "T1", "app_uninstalled", "EvGone") == 200
    ctx = slack.bot.ctx
    batches = []
    async with ctx.db.transaction() as session:
        for team, channel in (("T1", "C1"), ("T2", "C2")):
            recipient = deliveries.Recipient("slack", deliveries.CHANNEL, channel)
            batches.append(await deliveries.queue(session, ctx, TOPIC, "s", team, [recipient]))
    before = len(slack.fake.calls)

    gone, kept = [await deliveries.deliver(ctx, batch, say("news")) for batch in batches]

    assert (len(gone.failed), gone.retry) == (1, False)
    assert len(kept.delivered) == 1
    assert [(c.method, c.token) for c in slack.fake.calls[before:]] == [
        ("chat.postMessage", second)
    ]


async def test_a_guest_admin_from_another_workspace_is_no_admin_here(
    slack: SlackHarness, seen: Seen
) -> None:
    """Slack Connect: users.info says admin of *their* workspace; that grants nothing in T1."""
    await install(slack, "code-1", "T1")
    slack.fake.users["UX"] = {**default_user("UX"), "team_id": "T8", "is_admin": True}
    slack.fake.users["UA"] = {**default_user("UA"), "team_id": "T1", "is_admin": True}

    await slack.command("/probe echo hi", user="UX", team="T1")
    await slack.command("/probe echo hi", user="UA", team="T1")
    await slack.settle()

    admins = {e.actor.user_id: e.actor.is_admin for e in seen.events}
    assert admins == {"UX": False, "UA": True}


async def test_uninstalled_data_is_purged_after_the_grace_period(
    slack: SlackHarness, clock: FakeClock
) -> None:
    await install(slack, "code-1", "T1")
    await install(slack, "code-2", "T2")
    await slack.command("/probe echo hi", team="T1")
    await slack.command("/probe echo hi", team="T2")
    await slack.settle()
    async with slack.bot.ctx.db.transaction() as session:
        for team in ("T1", "T2"):
            session.add(ProductTeam(workspace_id=team, slug="p", name="P", created_at=clock.now()))
    assert await uninstall_event(slack, "T1", "app_uninstalled", "EvGone") == 200

    clock.advance(days=6, hours=23)
    await purge_uninstalled(slack.bot.ctx)
    assert await counts(slack, "T1") == (1, 1, 1)

    clock.advance(hours=2)
    await purge_uninstalled(slack.bot.ctx)
    assert await counts(slack, "T1") == (0, 0, 0)
    assert await counts(slack, "T2") == (1, 1, 1)
    await purge_uninstalled(slack.bot.ctx)  # claimed once: nothing left, nothing fails
    assert [t.name for t in slack.bot.platform_ticks] == ["slack.purge_uninstalled"]


async def test_a_reinstall_within_the_grace_period_keeps_the_data(
    slack: SlackHarness, clock: FakeClock
) -> None:
    await install(slack, "code-1", "T1")
    await slack.command("/probe echo hi", team="T1")
    await slack.settle()
    assert await uninstall_event(slack, "T1", "app_uninstalled", "EvGone") == 200
    clock.advance(days=1)
    token = await install(slack, "code-2", "T1")

    clock.advance(days=30)
    await purge_uninstalled(slack.bot.ctx)

    assert (await counts(slack, "T1"))[:2] == (1, 1)
    await slack.bot.messenger.post(Conversation("slack", "T1", "C1"), say("back"))
    assert slack.fake.tokens_used("chat.postMessage")[-1] == token


async def counts(slack: SlackHarness, team: str) -> tuple[int, int, int]:
    """(installations, people, product teams) stored for `team`."""
    async with slack.bot.ctx.db.engine.connect() as connection:
        found = []
        for query in (
            "SELECT count(*) FROM slack_installation WHERE team_id = :team",
            "SELECT count(*) FROM person WHERE workspace_id = :team",
            "SELECT count(*) FROM product_team WHERE workspace_id = :team",
        ):
            found.append((await connection.execute(sql(query), {"team": team})).scalar_one())
    return (found[0], found[1], found[2])


async def _nothing() -> Reply | None:
    return None


@pytest.mark.parametrize("features", [None])  # every real feature, as in production
async def test_two_installed_workspaces_each_see_their_own_app_home(slack: SlackHarness) -> None:
    first = await install(slack, "code-1", "T1")
    second = await install(slack, "code-2", "T2")
    slack.fake.users["U1"] = {**default_user("U1"), "is_admin": True}
    slack.fake.users["V1"] = {**default_user("V1"), "team_id": "T2", "is_admin": True}
    slack.fake.users["V2"] = {**default_user("V2"), "team_id": "T2"}
    for line, admin, team, channel in (
        ("/role assign <@U2|ben> Product Owner", "U1", "T1", "C1"),
        ("/role assign <@V2|vic> UX Researcher", "V1", "T2", "C2"),
    ):
        assert (await slack.command(line, user=admin, team=team, channel=channel)).status == 200
        await slack.settle()
        assert "now holds" in slack.fake.responses[-1][1]["text"]

    pages: dict[str, tuple[str, str]] = {}
    for person, team in (("U2", "T1"), ("V2", "T2")):
        event = {"type": "app_home_opened", "user": person, "channel": f"D{person}", "tab": "home"}
        assert (await slack.event(event, f"EvHome-{team}", team=team)).status == 200
        await slack.settle()
        call = [c for c in slack.fake.calls if c.method == "views.publish"][-1]
        assert call.body["user_id"] == person
        view = call.body["view"]
        blocks = (json.loads(view) if isinstance(view, str) else view)["blocks"]
        pages[team] = (call.token, json.dumps(blocks, ensure_ascii=False))

    assert pages["T1"][0] == first
    assert pages["T2"][0] == second
    assert "Product Owner" in pages["T1"][1]
    assert "UX Researcher" not in pages["T1"][1]
    assert "UX Researcher" in pages["T2"][1]
    assert "Product Owner" not in pages["T2"][1]
