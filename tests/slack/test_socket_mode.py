"""Socket Mode: the same bolt app, fed over a WebSocket instead of HTTP."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest

from bot.settings import Settings
from tests.slack.harness import SlackHarness
from tests.slack.probe import Seen
from tests.support.fake_slack import FakeSlack


@pytest.fixture
def slack_settings(fake_slack: FakeSlack) -> Settings:
    """An app token and no signing secret: Socket Mode only, no HTTP endpoint."""
    return Settings(
        _env_file=None,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_APP_TOKEN="xapp-test",
        SLACK_API_URL=fake_slack.api_url,
        ALIGNBOT_ADMINS="",
    )


async def test_socket_mode_serves_commands_and_dedupes_events(
    slack: SlackHarness, seen: Seen
) -> None:
    assert slack.fake.called("apps.connections.open") != []
    body = dict(parse_qsl(slack.command_body("/probe echo over socket")))
    await slack.fake.send_envelope(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": body,
        }
    )
    await slack.fake.until(lambda: slack.fake.responses)
    await slack.settle()
    assert slack.fake.socket_acks[0]["envelope_id"] == "env-1"
    ((_, reply),) = slack.fake.responses
    assert "over socket" in json.dumps(reply["blocks"])

    event = json.loads(
        slack.event_body(
            {
                "type": "app_mention",
                "channel": "C1",
                "user": "U1",
                "text": "<@UBOT> probe shout hi",
                "ts": "5.0",
            },
            "EvS1",
        )
    )
    for attempt in range(2):
        await slack.fake.send_envelope(
            {
                "envelope_id": f"env-e{attempt}",
                "type": "events_api",
                "payload": event,
                "retry_attempt": attempt,
                "retry_reason": "timeout" if attempt else "",
            }
        )
    await slack.fake.until(lambda: len(slack.fake.socket_acks) == 3)
    await slack.settle()
    assert len(slack.fake.called("chat.postMessage")) == 1


async def test_no_signing_secret_means_no_http_endpoint(slack: SlackHarness) -> None:
    answer = await slack.command("/probe echo hi")
    assert answer.status == 404
