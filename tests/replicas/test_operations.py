"""Two real `alignbot serve` processes on one database: each serves its own /metrics, and with
its output going to a file (no terminal) each writes JSON log lines naming Slack's event id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import ClientSession

from tests.replicas.processes import Replica, replicas
from tests.support.fake_slack import TEAM, FakeSlack
from tests.support.metrics import scrape, value

HANDLED = "alignbot_handle_seconds_count"


def command_body(slack: FakeSlack, line: str) -> str:
    name, _, text = line.partition(" ")
    return urlencode(
        {
            "team_id": TEAM,
            "channel_id": "C1",
            "user_id": "U1",
            "user_name": "u1",
            "command": name,
            "text": text,
            "response_url": slack.response_url("help"),
            "trigger_id": "trigger-ops-1",
        }
    )


def dm_body(event_id: str, text: str) -> str:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "DU2",
        "user": "U2",
        "text": text,
        "ts": "1700000001.000100",
    }
    body = {"type": "event_callback", "team_id": TEAM, "event_id": event_id, "event": event}
    return json.dumps(body)


def json_lines(log: Path) -> list[dict[str, Any]]:
    """Every line the process wrote, each of which must be one JSON object."""
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


async def test_each_replica_serves_its_own_metrics_and_writes_json_logs(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'alignbot.db'}"
    slack = await FakeSlack().start()
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    try:
        async with ClientSession() as session:
            with replicas() as started:
                first = Replica(url, slack, logs[0])
                started.append(first)
                await first.ready(session)  # migrated before the second starts
                second = Replica(url, slack, logs[1])
                started.append(second)
                await second.ready(session)

                form = "application/x-www-form-urlencoded"
                assert await first.post(session, command_body(slack, "/alignbot help"), form) == 200
                dm = dm_body("EvOPS42", "help please")
                assert await second.post(session, dm, "application/json") == 200
                await slack.until(lambda: slack.responses and slack.called("chat.postMessage"))
                assert await second.post(session, dm, "application/json") == 200  # a retry
                one, two = await scrape(session, first.url), await scrape(session, second.url)
                async with session.get(f"{first.url}/healthz?code=oauth-code-kept-out"):
                    pass
    finally:
        await slack.close()

    assert value(one, HANDLED, kind="command", feature="help") == 1
    assert value(one, HANDLED, kind="message") == 0
    assert value(two, HANDLED, kind="message", feature="help") == 1
    assert value(two, HANDLED, kind="command") == 0
    names = [
        next(s.labels["replica"] for s in m if s.name == "alignbot_replica_info")
        for m in (one, two)
    ]
    assert names[0] != names[1]

    first_lines, second_lines = json_lines(logs[0]), json_lines(logs[1])
    assert {line["replica"] for line in first_lines} == {names[0]}
    access = [line for line in first_lines if line["logger"] == "aiohttp.access"]
    assert any(line["message"].startswith("GET /healthz 200") for line in access), access[-3:]
    assert "oauth-code-kept-out" not in logs[0].read_text()
    about_the_dm = [line for line in second_lines if line.get("event_id") == "EvOPS42"]
    assert about_the_dm, second_lines[-5:]
    assert all(line["workspace"] == TEAM for line in about_the_dm)
    assert "help please" not in logs[1].read_text()
