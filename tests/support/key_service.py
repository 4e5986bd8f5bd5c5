"""A local Bot Framework key service: OpenID metadata + JWKS on 127.0.0.1, with our own RSA keys.

It signs tokens exactly as the Bot Connector does (RS256, `kid`, iss https://api.botframework.com,
aud = the bot's app id, `serviceurl`), and can be told to hang, so tests can watch what a stuck
key service does to the rest of the server.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
KEY_ID = "test-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class KeyService:
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    endorsements: tuple[str, ...] = ("msteams",)
    hang: bool = False
    metadata_requests: int = 0
    requested: asyncio.Event = field(default_factory=asyncio.Event)  # a metadata GET arrived
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    url: str = ""

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    async def start(self) -> KeyService:
        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/v1/.well-known/keys", self._keys)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def close(self) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def token(
        self,
        app_id: str,
        service_url: str,
        *,
        key: rsa.RSAPrivateKey | None = None,
        kid: str = KEY_ID,
        algorithm: str = "RS256",
        lifetime: int = 3600,
        **claims: Any,
    ) -> str:
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": app_id,
            "serviceurl": service_url,
            "nbf": now - 60,
            "iat": now - 60,
            "exp": now + lifetime,
        } | claims
        return jwt.encode(payload, key or self.key, algorithm=algorithm, headers={"kid": kid})

    async def _metadata(self, request: web.Request) -> web.Response:
        self.metadata_requests += 1
        self.requested.set()
        if self.hang:
            await self._release.wait()
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"{self.url}/v1/.well-known/keys"})

    async def _keys(self, request: web.Request) -> web.Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk |= {"kid": KEY_ID, "use": "sig", "endorsements": list(self.endorsements)}
        return web.json_response({"keys": [jwk]})
