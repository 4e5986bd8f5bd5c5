"""Slack's request signature, checked on the raw bytes before anything parses or logs them.

bolt verifies signatures too, but only after parsing the body (a 500 for some unsigned
shapes), and it logs a refused request's whole body. Here an unsigned, stale or oddly headed
request is refused with 401 unread, and counted in a rate-limited summary instead.
"""

from __future__ import annotations

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from adapters.refusals import RefusalLog

MAX_TIMESTAMP_DIGITS = 12


class SignatureGate:
    def __init__(self, signing_secret: str | None) -> None:
        """Without a secret (Socket Mode only) every HTTP request is refused."""
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self.refusals = RefusalLog("slack")

    async def admits(self, request: web.Request) -> bool:
        """True when Slack signed this body within the last five minutes."""
        raw = await request.read()  # over the app's client_max_size: aiohttp answers 413
        try:
            body = raw.decode()  # Slack sends UTF-8; the SDK's verifier needs text
        except UnicodeDecodeError:
            return False
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        well_formed = (
            timestamp.isascii()
            and timestamp.isdigit()
            and len(timestamp) <= MAX_TIMESTAMP_DIGITS
            and signature.startswith("v0=")
        )
        verifier = self._verifier
        return (
            verifier is not None and well_formed and verifier.is_valid(body, timestamp, signature)
        )

    def refuse(self) -> web.Response:
        self.refusals.refused(401, "unsigned, stale or forged request")
        return web.json_response({"error": "invalid request"}, status=401)

    def unreadable(self) -> web.Response:
        """Slack signed it, yet it cannot be parsed."""
        self.refusals.refused(400, "signed but unreadable body")
        return web.json_response({"error": "invalid request"}, status=400)
