"""The Bot Framework's token signing keys, fetched without ever blocking the event loop.

botframework-connector fetches OpenID metadata and keys with a blocking `requests.get` (no
timeout) inside the request handler, so a slow key service froze every endpoint. Here the
fetch goes through aiohttp with a short timeout, its result is cached, one fetch at a time is
in flight (every request needing keys awaits the same one), and after a failed fetch the next
is not tried for a while: requests then learn at once that keys are unavailable (503).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt

log = logging.getLogger(__name__)

MAX_AGE = 24 * 3600.0  # botbuilder refreshes daily too; Microsoft rolls keys weeks ahead
UNKNOWN_KEY_REFRESH = 300.0  # an unknown `kid` may trigger a refresh at most this often
RETRY_AFTER_FAILURE = 10.0


class KeyServiceUnavailable(Exception):
    """The signing keys could not be fetched (and none are cached): answer 503, not 401."""


@dataclass(frozen=True)
class SigningKey:
    key: Any  # the public key object PyJWT verifies with
    endorsements: frozenset[str]  # channel ids this key may sign for (empty: any)


class SigningKeys:
    """OpenID metadata → `jwks_uri` → keys by `kid`, cached and shared by all requests."""

    def __init__(
        self,
        metadata_url: str,
        *,
        timeout: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.metadata_url = metadata_url
        self.timeout = timeout
        self._clock = clock
        self._keys: dict[str, SigningKey] = {}
        self._fetched_at: float | None = None
        self._failed_at: float | None = None
        self._pending: asyncio.Future[dict[str, SigningKey]] | None = None
        self._session: aiohttp.ClientSession | None = None

    async def key(self, key_id: str) -> SigningKey | None:
        """The key with this id; None when the key service does not list it."""
        now = self._clock()
        if self._fetched_at is None or now - self._fetched_at > MAX_AGE:
            await self._refresh(stale_ok=self._fetched_at is not None)
        elif key_id not in self._keys and now - self._fetched_at > UNKNOWN_KEY_REFRESH:
            await self._refresh(stale_ok=True)
        return self._keys.get(key_id)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _refresh(self, *, stale_ok: bool) -> None:
        if self._failed_at is not None and self._clock() - self._failed_at < RETRY_AFTER_FAILURE:
            if stale_ok:
                return
            raise KeyServiceUnavailable(f"no signing keys from {self.metadata_url} yet")
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._fetch())
            self._pending.add_done_callback(self._settle)
        try:
            await asyncio.shield(self._pending)
        except KeyServiceUnavailable:
            if not stale_ok:
                raise

    def _settle(self, done: asyncio.Future[dict[str, SigningKey]]) -> None:
        self._pending = None
        if done.cancelled():
            return
        error = done.exception()
        if error is None:
            self._keys = done.result()
            self._fetched_at = self._clock()
            self._failed_at = None
        else:
            self._failed_at = self._clock()

    async def _fetch(self) -> dict[str, SigningKey]:
        try:
            async with asyncio.timeout(self.timeout):
                metadata = await self._get_json(self.metadata_url)
                jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
                if not isinstance(jwks_uri, str):
                    raise ValueError("the OpenID metadata names no jwks_uri")
                keys = _parse(await self._get_json(jwks_uri))
        except (TimeoutError, aiohttp.ClientError, ValueError) as error:
            reason = str(error) or type(error).__name__
            log.warning(
                "Teams signing keys unavailable from %s (%s): Teams requests get 503 until "
                "it answers (retried at most every %.0f s)",
                self.metadata_url,
                reason,
                RETRY_AFTER_FAILURE,
            )
            raise KeyServiceUnavailable(reason) from None
        log.info("Teams signing keys fetched: %d keys", len(keys))
        return keys

    async def _get_json(self, url: str) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.get(url, allow_redirects=False) as response:
            response.raise_for_status()
            return json.loads(await response.text())


def _parse(jwks: Any) -> dict[str, SigningKey]:
    """Every usable key of a JWKS document; unusable entries are skipped, not fatal."""
    entries = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(entries, list):
        raise ValueError("the JWKS document has no key list")
    keys: dict[str, SigningKey] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
            continue
        try:
            key = jwt.PyJWK(entry).key
        except (jwt.PyJWTError, ValueError, TypeError, KeyError):
            continue
        endorsements = entry.get("endorsements") or []
        named = frozenset(e for e in endorsements if isinstance(e, str))
        keys[entry["kid"]] = SigningKey(key, named)
    if not keys:
        raise ValueError("the JWKS document holds no usable key")
    return keys
