"""Microsoft Teams: botbuilder's CloudAdapter at POST /api/messages in the shared aiohttp app.

Security policy: with MICROSOFT_APP_ID + MICROSOFT_APP_PASSWORD every request's JWT is
validated. Without them the endpoint exists only if ALIGNBOT_TEAMS_INSECURE_LOCAL=1 says so
explicitly (Bot Framework Emulator, tests), and then with a loud warning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import jwt
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter

from adapters.teams.auth import authentication
from adapters.teams.handler import AlignBotTeams
from adapters.teams.messenger import TeamsMessenger
from adapters.teams.retry import RetryPolicy
from bot.app import AlignBot
from bot.settings import Settings

log = logging.getLogger(__name__)

ROUTE = "/api/messages"


@dataclass
class TeamsEndpoint:
    """What `mount` wired together; kept on the app so operators and tests can reach it."""

    adapter: CloudAdapter
    handler: AlignBotTeams
    messenger: TeamsMessenger
    secure: bool

    async def close(self, _app: web.Application) -> None:
        await self.messenger.close()

    def use_retry_policy(self, policy: RetryPolicy) -> None:
        self.handler.policy = policy
        self.messenger.policy = policy

    async def receive(self, request: web.Request) -> web.StreamResponse:
        if "application/json" not in request.headers.get("Content-Type", ""):
            raise web.HTTPUnsupportedMediaType(text="Bot Framework activities are JSON")
        try:
            body = await request.json()  # aiohttp keeps the body for the adapter to read again
        except ValueError:
            raise web.HTTPBadRequest(text="The body is not valid JSON") from None
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="An activity is a JSON object")
        try:
            response = await self.adapter.process(request, self.handler)
        except jwt.PyJWTError as error:
            # botbuilder lets a malformed token escape as a decode error; it is still a 401.
            log.warning("Teams request with an unreadable token refused: %s", error)
            raise web.HTTPUnauthorized() from error
        return response if response is not None else web.Response(status=201)


TEAMS_KEY = web.AppKey("teams", TeamsEndpoint)


def mount(app: web.Application, bot: AlignBot, settings: Settings) -> bool:
    """Adds POST /api/messages when Teams may run (see module docstring); False when it is off."""
    secure = settings.teams_configured
    if not secure and not settings.teams_insecure_local:
        log.info(
            "Teams is off: MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD are not set, so "
            "%s is not exposed (set ALIGNBOT_TEAMS_INSECURE_LOCAL=1 only for the Bot "
            "Framework Emulator or tests)",
            ROUTE,
        )
        return False
    single_tenant = settings.microsoft_app_type.lower() == "singletenant"
    if secure and single_tenant and not settings.microsoft_app_tenant_id:
        raise ValueError(
            "MICROSOFT_APP_TYPE=SingleTenant needs MICROSOFT_APP_TENANT_ID (the Entra tenant "
            "the bot is registered in); set it or use MICROSOFT_APP_TYPE=MultiTenant"
        )
    if not secure:
        log.warning(
            "!!! Teams endpoint %s is running WITHOUT AUTHENTICATION "
            "(ALIGNBOT_TEAMS_INSECURE_LOCAL=1, no MICROSOFT_APP_ID/MICROSOFT_APP_PASSWORD): "
            "anyone who can reach this port can impersonate any Teams user. Never expose "
            "this to a network; use it only with the Bot Framework Emulator or tests. !!!",
            ROUTE,
        )
    adapter = CloudAdapter(authentication(settings, secure=secure))
    adapter.on_turn_error = _on_turn_error
    policy = RetryPolicy()
    handler = AlignBotTeams(bot, policy)
    app_id = settings.microsoft_app_id if secure else None
    messenger = TeamsMessenger(adapter, bot.ctx.db, bot.ctx.clock, app_id, policy)
    bot.messenger.connect("teams", messenger)
    endpoint = TeamsEndpoint(adapter, handler, messenger, secure)
    app[TEAMS_KEY] = endpoint
    app.router.add_post(ROUTE, endpoint.receive)
    app.on_cleanup.append(endpoint.close)
    log.info("Teams enabled at %s (JWT validation %s)", ROUTE, "on" if secure else "OFF")
    return True


async def _on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    """A failed delivery (connector down after every retry) is logged with what was lost."""
    activity = turn_context.activity
    log.error(
        "Teams turn failed for %s activity %s in %s: %s",
        activity.type,
        activity.id,
        getattr(activity.conversation, "id", "?"),
        error,
        exc_info=error,
    )
