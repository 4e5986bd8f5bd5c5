"""Everything alignbot sends to Slack, through slack_sdk with its retry handlers.

429 answers are waited out (`Retry-After`) and retried, never dropped; 500/503 and broken
connections are retried with backoff. `SlackMessenger` is the core's `Messenger` for Slack.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from adapters.slack.blocks import home_view, message
from adapters.slack.members import ChannelMembers
from adapters.slack.workspace import ClientSource, FixedClient, Workspace, speaking_for
from bot.events import Conversation, MessageRef
from bot.metrics import ERROR, Metrics
from bot.replies import Reply

PLATFORM = "slack"
# Message metadata that names the outbox delivery a post belongs to (see bot/deliveries.py).
DELIVERY_EVENT = "alignbot_delivery"
HISTORY_PAGES = 5
HISTORY_PAGE_SIZE = 200
# Every Web API call gives up after this long (slack_sdk's retries for 429s come on top).
HTTP_TIMEOUT_SECONDS = 15
RESPONSE_URL = "response_url"  # the method label of answers posted to a `response_url`


class DeliveryError(SlackClientError):
    """Slack refused a `response_url` post."""


def retry_handlers(metrics: Metrics, method: str | None = None) -> list[AsyncRetryHandler]:
    """Rate limits are retried many times (never drop a reply); outages a few times. Every
    429 is counted first, whether or not it is retried."""
    return [
        RateLimitCounter(metrics, method),
        AsyncRateLimitErrorRetryHandler(max_retry_count=10),
        AsyncServerErrorRetryHandler(max_retry_count=3),
        AsyncConnectionErrorRetryHandler(max_retry_count=3),
    ]


class RateLimitCounter(AsyncRetryHandler):
    """Sees every answer before the retry handlers and counts the 429s; never retries itself.
    The method is the Web API method the URL names, unless given (a `response_url`)."""

    def __init__(self, metrics: Metrics, method: str | None) -> None:
        super().__init__(max_retry_count=0)
        self._metrics = metrics
        self._method = method

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            method = self._method or request.url.rstrip("/").rpartition("/")[2]
            self._metrics.throttled(PLATFORM, method)
        return False


class MeteredWebClient(AsyncWebClient):
    """slack_sdk's client, each Web API call timed and counted by method and outcome."""

    def __init__(self, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metrics = metrics

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        with self.metrics.platform_call(PLATFORM, api_method):
            return await super().api_call(api_method, **kwargs)


def web_client(token: str | None, base_url: str, metrics: Metrics) -> MeteredWebClient:
    """A client for one installation's token (None: calls that need no token yet, such as
    `oauth.v2.access`)."""
    return MeteredWebClient(
        metrics,
        token=token,
        base_url=base_url,
        timeout=HTTP_TIMEOUT_SECONDS,
        retry_handlers=retry_handlers(metrics),
    )


class SlackWebApi:
    """Slack Web API calls in the core's terms: replies in, message references out. Each call
    goes out with the client of the workspace it is for (see adapters/slack/workspace.py)."""

    def __init__(self, clients: AsyncWebClient | ClientSource, metrics: Metrics) -> None:
        self.clients = FixedClient(clients) if isinstance(clients, AsyncWebClient) else clients
        self.metrics = metrics

    async def client(self) -> AsyncWebClient:
        return await self.clients.current()

    async def post(
        self,
        channel: str,
        reply: Reply,
        thread_ts: str | None = None,
        *,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Posts as the bot; returns the message ts (needed to update it later)."""
        response = await (await self.client()).chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            metadata=metadata,
            **message(reply),
        )
        return str(response["ts"])

    async def ephemeral(
        self, channel: str, user: str, reply: Reply, thread_ts: str | None = None
    ) -> None:
        await (await self.client()).chat_postEphemeral(
            channel=channel, user=user, thread_ts=thread_ts, **message(reply)
        )

    async def update(self, channel: str, ts: str, reply: Reply) -> None:
        await (await self.client()).chat_update(channel=channel, ts=ts, **message(reply))

    async def open_direct(self, user: str) -> str:
        response = await (await self.client()).conversations_open(users=user)
        return str(response["channel"]["id"])

    async def direct(
        self, user: str, reply: Reply, *, metadata: dict[str, Any] | None = None
    ) -> tuple[str, str]:
        channel = await self.open_direct(user)
        return channel, await self.post(channel, reply, metadata=metadata)

    async def find_by_metadata(
        self, channel: str, thread_ts: str | None, payload: dict[str, Any], oldest: float
    ) -> str | None:
        """The ts of the bot's message since `oldest` carrying `payload` as its metadata:
        `conversations.history` (or `.replies` in a thread) with `include_all_metadata`."""
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            common: dict[str, Any] = {
                "channel": channel,
                "oldest": f"{oldest:.6f}",
                "limit": HISTORY_PAGE_SIZE,
                "include_all_metadata": True,
                **({"cursor": cursor} if cursor else {}),
            }
            if thread_ts:
                response = await (await self.client()).conversations_replies(ts=thread_ts, **common)
            else:
                response = await (await self.client()).conversations_history(**common)
            for found in response.get("messages") or []:
                tagged = found.get("metadata") or {}
                if (
                    tagged.get("event_type") == DELIVERY_EVENT
                    and tagged.get("event_payload") == payload
                ):
                    return str(found["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or not cursor:
                return None
        return None

    async def respond(
        self,
        response_url: str,
        reply: Reply,
        *,
        in_channel: bool = False,
        replace_original: bool = False,
    ) -> None:
        """Answers through a `response_url` (ephemeral unless `in_channel`)."""
        body: dict[str, Any] = {
            **message(reply),
            "response_type": "in_channel" if in_channel else "ephemeral",
            "replace_original": replace_original,
        }
        metrics = self.metrics
        hook = AsyncWebhookClient(
            url=response_url,
            timeout=HTTP_TIMEOUT_SECONDS,
            session=(await self.client()).session,
            retry_handlers=retry_handlers(metrics, RESPONSE_URL),
        )
        with metrics.platform_call(PLATFORM, RESPONSE_URL) as call:
            response = await hook.send_dict(body)
            if response.status_code != 200:
                call.outcome = ERROR
        if response.status_code != 200:
            raise DeliveryError(f"response_url answered {response.status_code}: {response.body}")

    async def open_modal(self, trigger_id: str, view: dict[str, Any]) -> None:
        await (await self.client()).views_open(trigger_id=trigger_id, view=view)

    async def publish_home(self, user: str, page: Reply) -> None:
        await (await self.client()).views_publish(user_id=user, view=home_view(page))


class SlackMessenger:
    """The core's `Messenger` on Slack: proactive posts, DMs and message updates."""

    def __init__(self, web_api: SlackWebApi) -> None:
        self._web_api = web_api
        self._members = ChannelMembers(web_api.clients)

    async def post(self, conversation: Conversation, reply: Reply) -> MessageRef:
        with speaking_for(Workspace(conversation.workspace_id)):
            ts = await self._web_api.post(conversation.channel_id, reply, conversation.thread_id)
        return MessageRef(PLATFORM, conversation.workspace_id, conversation.channel_id, ts)

    async def send_direct(self, workspace_id: str, user_id: str, reply: Reply) -> MessageRef:
        with speaking_for(Workspace(workspace_id)):
            channel, ts = await self._web_api.direct(user_id, reply)
        return MessageRef(PLATFORM, workspace_id, channel, ts)

    async def update(self, ref: MessageRef, reply: Reply) -> None:
        with speaking_for(Workspace(ref.workspace_id)):
            await self._web_api.update(ref.channel_id, ref.message_id, reply)

    # Recognising earlier posts (bot.ports.RecognisesPosts) through message metadata.

    async def post_tagged(self, conversation: Conversation, reply: Reply, tag: str) -> MessageRef:
        with speaking_for(Workspace(conversation.workspace_id)):
            ts = await self._web_api.post(
                conversation.channel_id, reply, conversation.thread_id, metadata=_metadata(tag)
            )
        return MessageRef(PLATFORM, conversation.workspace_id, conversation.channel_id, ts)

    async def send_direct_tagged(
        self, workspace_id: str, user_id: str, reply: Reply, tag: str
    ) -> MessageRef:
        with speaking_for(Workspace(workspace_id)):
            channel, ts = await self._web_api.direct(user_id, reply, metadata=_metadata(tag))
        return MessageRef(PLATFORM, workspace_id, channel, ts)

    async def find_tagged(
        self, conversation: Conversation, tag: str, since: datetime
    ) -> MessageRef | None:
        with speaking_for(Workspace(conversation.workspace_id)):
            ts = await self._web_api.find_by_metadata(
                conversation.channel_id, conversation.thread_id, {"key": tag}, since.timestamp()
            )
        if ts is None:
            return None
        return MessageRef(PLATFORM, conversation.workspace_id, conversation.channel_id, ts)

    async def find_direct_tagged(
        self, workspace_id: str, user_id: str, tag: str, since: datetime
    ) -> MessageRef | None:
        with speaking_for(Workspace(workspace_id)):
            channel = await self._web_api.open_direct(user_id)
        return await self.find_tagged(Conversation(PLATFORM, workspace_id, channel), tag, since)

    async def publish_home(self, workspace_id: str, user_id: str, page: Reply) -> None:
        with speaking_for(Workspace(workspace_id)):
            await self._web_api.publish_home(user_id, page)

    async def is_member(self, conversation: Conversation, user_id: str) -> bool:
        with speaking_for(Workspace(conversation.workspace_id)):
            return await self._members.contains(conversation.channel_id, user_id)


def _metadata(tag: str) -> dict[str, Any]:
    return {"event_type": DELIVERY_EVENT, "event_payload": {"key": tag}}
