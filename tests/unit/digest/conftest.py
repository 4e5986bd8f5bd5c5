"""The Slack harness for digest tests that go through the real endpoint."""

from tests.slack.conftest import fake_slack, slack, slack_settings  # noqa: F401 (Slack fixtures)
