"""The Slack adapter through the real slack-bolt and slack_sdk, against a fake Web API."""
