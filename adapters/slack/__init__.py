"""Slack: slash commands, buttons, modals, mentions and DMs through slack-bolt.

`mount` adds `POST /slack/events` to the shared aiohttp app (and Socket Mode when an app token
is set), and connects the Slack messenger so scheduled jobs can post.
"""

from __future__ import annotations

from aiohttp import web

from adapters.slack.adapter import SlackAdapter
from bot.app import AlignBot
from bot.settings import Settings

PLATFORM = "slack"
EVENTS_PATH = "/slack/events"
SLACK_ADAPTER = web.AppKey("alignbot.slack", SlackAdapter)

__all__ = ["EVENTS_PATH", "SLACK_ADAPTER", "SlackAdapter", "mount"]


def mount(app: web.Application, bot: AlignBot, settings: Settings) -> bool:
    """Mounts Slack when it is configured; False (nothing mounted) otherwise."""
    if not settings.slack_configured:
        return False
    adapter = SlackAdapter(bot, settings)
    app[SLACK_ADAPTER] = adapter
    if settings.slack_signing_secret:
        # Without a signing secret requests cannot be verified: Socket Mode only.
        app.router.add_post(EVENTS_PATH, adapter.handle_http)
    if adapter.distribution is not None and adapter.app.oauth_flow is not None:
        adapter.distribution.mount(app, adapter.app.oauth_flow)
        bot.platform_ticks.append(adapter.distribution.purge_tick())
    bot.messenger.connect(PLATFORM, adapter.messenger)
    app.on_startup.append(adapter.start)
    app.on_cleanup.append(adapter.stop)
    return True
