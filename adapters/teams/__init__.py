"""Microsoft Teams: botbuilder's CloudAdapter at POST /api/messages in the shared aiohttp app.

Security policy: with MICROSOFT_APP_ID + MICROSOFT_APP_PASSWORD every request's JWT is
validated. Without them the endpoint exists only if ALIGNBOT_TEAMS_INSECURE_LOCAL=1 says so
explicitly (Bot Framework Emulator, tests), and then with a loud warning.

The token is checked before the body is even parsed: anything refused before authentication is
401 (503 while the signing keys cannot be fetched, so the Bot Framework retries), a malformed
body from an authenticated sender is 400. Refusals are logged by count, never with content.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from botbuilder.core import TurnContext, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes

from adapters.refusals import RefusalLog
from adapters.teams import seal
from adapters.teams.auth import TeamsAuthentication, authentication
from adapters.teams.handler import AlignBotTeams
from adapters.teams.keys import KeyServiceUnavailable
from adapters.teams.messenger import TeamsMessenger
from adapters.teams.retry import RetryPolicy
from bot.app import AlignBot
from bot.metrics import request_kind
from bot.server_key import server_key
from bot.settings import Settings

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
ACTIVITY_TYPES = frozenset(kind.value for kind in ActivityTypes)  # the metrics' event kinds


@dataclass
class TeamsEndpoint:
    """What `mount` wired together; kept on the app so operators and tests can reach it."""

    adapter: CloudAdapter
    auth: TeamsAuthentication
    handler: AlignBotTeams
    messenger: TeamsMessenger
    secure: bool
    refusals: RefusalLog

    async def close(self, _app: web.Application) -> None:
        await self.messenger.close()
        await self.auth.close()

    def use_retry_policy(self, policy: RetryPolicy) -> None:
        self.handler.policy = policy
        self.messenger.policy = policy

    async def receive(self, request: web.Request) -> web.StreamResponse:
        authorization = request.headers.get("Authorization", "")
        token = None
        if self.auth.tokens is not None:
            try:
                token = await self.auth.tokens.verify(authorization)
            except PermissionError:
                raise self._refuse(web.HTTPUnauthorized, "invalid or missing token") from None
            except KeyServiceUnavailable:  # logged once per failed fetch by adapters.teams.keys
                raise web.HTTPServiceUnavailable(
                    text="signing keys unavailable", headers={"Retry-After": "5"}
                ) from None
        activity = await self._activity(request)
        request_kind(activity.type if activity.type in ACTIVITY_TYPES else "other")
        try:
            result = (
                self.auth.result_for(token, activity)
                if token is not None
                else await self.auth.authenticate_request(activity, "")
            )
        except PermissionError:
            raise self._refuse(web.HTTPUnauthorized, "token not issued for this activity") from None
        invoke = await self.adapter.process_activity(result, activity, self.handler.on_turn)
        if invoke:
            body = serializer_helper(invoke.body)
            return web.json_response(data=body, status=invoke.status)
        return web.Response(status=201)

    async def _activity(self, request: web.Request) -> Activity:
        """The posted Activity, from an authenticated sender (or with authentication off)."""
        if "application/json" not in request.headers.get("Content-Type", ""):
            raise self._refuse(web.HTTPUnsupportedMediaType, "not JSON")
        try:
            body: Any = await request.json()  # over client_max_size: aiohttp answers 413
            activity = Activity().deserialize(body) if isinstance(body, dict) else None
        except ValueError:  # bad JSON, bad UTF-8, or fields of the wrong shape
            activity = None
        if activity is None or not isinstance(activity.type, str) or not activity.type:
            raise self._refuse(web.HTTPBadRequest, "not an activity")
        return activity

    def _refuse(self, status: type[web.HTTPError], reason: str) -> web.HTTPError:
        self.refusals.refused(status.status_code, reason)
        return status(text=reason)


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
    seal.install(server_key(settings))  # cards' form data is sealed with the server key
    auth = authentication(settings, secure=secure)
    adapter = CloudAdapter(auth)
    adapter.on_turn_error = _on_turn_error
    policy = RetryPolicy()
    handler = AlignBotTeams(bot, policy)
    app_id = settings.microsoft_app_id if secure else None
    messenger = TeamsMessenger(adapter, bot.ctx.db, bot.ctx.clock, app_id, policy, bot.metrics)
    bot.messenger.connect("teams", messenger)
    endpoint = TeamsEndpoint(adapter, auth, handler, messenger, secure, RefusalLog("teams"))
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
