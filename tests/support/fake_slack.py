"""The fake Slack Web API, shared with the benches: it lives in bench/_fakes/slack.py so that
bench/ never imports tests/."""

from bench._fakes.slack import TEAM, FakeSlack, _parse, default_user

__all__ = ["TEAM", "FakeSlack", "_parse", "default_user"]
