"""The Slack workspace a Web API call is for, and where its client comes from.

`current_workspace` is set from the request being answered (the adapter) or from the
conversation a scheduled post names (the messenger); `ClientSource.current()` turns it into
the client carrying that workspace's token (adapters/slack/clients.py).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from slack_bolt.request.internals import (
    extract_enterprise_id,
    extract_is_enterprise_install,
    extract_team_id,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.installations import InstallationKey
from adapters.slack.translate import team_of
from bot.ports import Unreachable


class WorkspaceGone(Unreachable):
    """No active installation: the app was uninstalled or its tokens revoked (or never)."""


@dataclass(frozen=True)
class Workspace:
    """The workspace a call is for: its id, and its installation when a request named it."""

    team_id: str
    key: InstallationKey | None = None


current_workspace: ContextVar[Workspace | None] = ContextVar("slack_workspace", default=None)


def workspace_of(body: dict[str, Any]) -> Workspace:
    """The installation a Slack request came through, read as bolt reads it."""
    key = InstallationKey.of(
        extract_enterprise_id(body),
        extract_team_id(body),
        extract_is_enterprise_install(body),
    )
    return Workspace(team_of(body) or key.team_id, key)


@contextlib.contextmanager
def speaking_for(workspace: Workspace) -> Iterator[None]:
    token = current_workspace.set(workspace)
    try:
        yield
    finally:
        current_workspace.reset(token)


class ClientSource(Protocol):
    async def current(self) -> AsyncWebClient:
        """The client for `current_workspace`; `WorkspaceGone` when nothing may be sent."""
        ...


class FixedClient:
    """One client for every workspace (single-token mode, benchmarks)."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def current(self) -> AsyncWebClient:
        return self.client
