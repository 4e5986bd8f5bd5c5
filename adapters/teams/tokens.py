"""Validation of the Bot Connector's JWT, by the rules Microsoft documents for bots.

"Authenticate requests from the Bot Connector service to your bot": a Bearer JWT signed with
RS256 by a key listed in the OpenID metadata's JWKS (endorsed for the activity's channel),
issued by https://api.botframework.com for our app id, within its lifetime (5 minutes of clock
skew), whose `serviceurl` claim equals the activity's serviceUrl. Any failure is a
PermissionError (401); only unreachable keys raise KeyServiceUnavailable (503).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt

from adapters.teams.keys import SigningKeys

CHANNEL_ISSUER = "https://api.botframework.com"
ALGORITHMS = ("RS256", "RS384", "RS512")
CLOCK_SKEW = 300  # seconds, as botbuilder and the documentation allow


@dataclass(frozen=True)
class VerifiedToken:
    claims: dict[str, Any]
    endorsements: frozenset[str]  # channels its signing key may speak for (empty: any)

    def check_activity(self, channel_id: str | None, service_url: str | None) -> None:
        """The token must have been issued for this channel and this serviceUrl."""
        if self.endorsements and channel_id not in self.endorsements:
            raise PermissionError(f"signing key not endorsed for channel {channel_id!r}")
        if not service_url or self.claims.get("serviceurl") != service_url:
            raise PermissionError("serviceurl claim does not match the activity")


class ChannelTokens:
    def __init__(self, app_id: str, keys: SigningKeys) -> None:
        self.app_id = app_id
        self.keys = keys

    async def verify(self, authorization: str) -> VerifiedToken:
        """The verified claims of `Authorization: Bearer <jwt>`, before the body is read."""
        scheme, _, token = authorization.partition(" ")
        if scheme != "Bearer" or not token:
            raise PermissionError("no Bearer token")
        try:
            header = jwt.get_unverified_header(token)
            unverified = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError as error:
            raise PermissionError(f"unreadable token: {error}") from None
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise PermissionError(f"algorithm {algorithm!r} is not allowed")
        # Cheap checks first: a token for someone else never costs a key lookup.
        if unverified.get("iss") != CHANNEL_ISSUER or unverified.get("aud") != self.app_id:
            raise PermissionError("token issued by someone else or for another bot")
        key_id = header.get("kid")
        if not isinstance(key_id, str):
            raise PermissionError("token names no signing key")
        key = await self.keys.key(key_id)
        if key is None:
            raise PermissionError("token signed with an unknown key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self.app_id,
                issuer=CHANNEL_ISSUER,
                leeway=CLOCK_SKEW,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise PermissionError(f"invalid token: {error}") from None
        return VerifiedToken(claims, key.endorsements)
