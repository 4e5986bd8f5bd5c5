"""Fails any test that makes a platform call or outbound HTTP request inside a transaction.

A slow platform (35 s, or a 429 being waited out) must never hold a database write lock:
on SQLite every other writer then fails with "database is locked". The guard wraps the
messenger hub (every proactive post, DM and update) and the HTTP clients the adapters use
(aiohttp for slack_sdk and botbuilder, httpx); a violation raises at the call and is also
recorded, so code that catches and logs the error still fails the test.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import httpx
import pytest

from bot.ports import MessengerHub
from storage.db import in_transaction


class NetworkInTransaction(AssertionError):
    """A network call was made while a database transaction was open."""


GUARDED: list[tuple[Any, str]] = [
    (MessengerHub, name)
    for name in (
        "post",
        "send_direct",
        "update",
        "is_member",
        "find_tagged",
        "find_direct_tagged",
    )
] + [(aiohttp.ClientSession, "_request"), (httpx.AsyncClient, "send")]


def _guarded(what: str, call: Callable[..., Any], seen: list[str]) -> Callable[..., Any]:
    @functools.wraps(call)
    async def guarded(*args: Any, **kwargs: Any) -> Any:
        if in_transaction():
            seen.append(what)
            raise NetworkInTransaction(f"{what} called inside a database transaction")
        return await call(*args, **kwargs)

    return guarded


@contextmanager
def forbid_network_in_transactions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Installs the guard; yields the violations seen so far."""
    seen: list[str] = []
    for owner, name in GUARDED:
        what = f"{owner.__name__}.{name}"
        monkeypatch.setattr(owner, name, _guarded(what, getattr(owner, name), seen))
    yield seen
